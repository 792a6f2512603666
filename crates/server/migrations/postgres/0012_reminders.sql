-- Reminders to a link's customer: the address the studio gave for the link,
-- the random key naming its unsubscribe page, and when the customer
-- unsubscribed. A reminder is a notification on the 'customer' channel,
-- its kind the reminder's ('closes_soon', 'unfinished'); its event key is
-- the link's and the kind's, so each is queued once.

ALTER TABLE links ADD COLUMN customer_email TEXT;
ALTER TABLE links ADD COLUMN reminders_key TEXT;
ALTER TABLE links ADD COLUMN reminders_off_at BIGINT;
CREATE UNIQUE INDEX links_reminders_key ON links(reminders_key);
