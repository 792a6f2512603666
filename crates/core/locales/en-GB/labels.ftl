### The app's fixed words, as the customer reads or hears them: headings,
### buttons, field labels, hints, and the names screen readers announce.

## The gallery page.
# The grid's name.
photos = Photos
# A photo's tile: "Open Café terrace".
open-photo = Open { $alt }
# The example in the home page's box.
paste-link-placeholder = https://…/#/g/…
# The home page's button, and the PIN page's.
open-gallery = Open gallery
# An address that is no page of the app.
page-not-found = Page not found
page-not-found-text = This address doesn't lead to a gallery. Check the link the studio sent you.
# Over why a gallery could not be loaded.
cant-show-gallery = We can't show this gallery

## The filters over the grid.
show = Show
all = All
favourites = Favourites
selected = Selected
commented = Commented
sets = Sets
every-set = Every set

## A photo's choice buttons.
favourite = Favourite
favourite-hint = Favourite (F)
select = Select
select-hint = Select for the order (S)
# The wide Select button, once pressed.
selected-mark = ✓ Selected

## The lightbox.
previous-photo = Previous photo
next-photo = Next photo
close = Close
time-per-photo = Time per photo
# The review panel: "Your review of Café terrace".
review-of = Your review of { $alt }
approve = Approve
request-changes = Request changes
comments = Comments
comment-label = Comment (C)
comment-placeholder = What should the studio know about this photo?
add-comment = Add comment

## The selection bar.
your-selection = Your selection
submit-selection = Submit selection
submit = Submit
not-yet = Not yet

## Saving for offline, and downloads.
save-for-offline = Save for offline
saving-for-offline = Saving for offline
not-now = Not now
save = Save
ok = OK
cancel = Cancel
try-again = Try again
copy-link = Copy link
link-copied = Link copied
download-photos = Download photos
preparing-download = Preparing the download

## The outbox's notices.
dismiss = Dismiss

## A withdrawn link's page.
photos-kept = Its photos stay on this device for your other link to this gallery.
photos-removed = Its photos have been removed from this device.
unsent-hint = Copy them if you'd like to send them to the studio another way.
copy-the-list = Copy the list
copied = Copied
remove-from-device = Remove them from this device
