### What a customer reads in a reminder the studio asked for, and on the
### page that stops reminders. Times are said in UTC ("14:05 on 8 Dec 2026").

# The subject of "closes in 7 days".
closes-soon-subject = “{ $gallery }” closes on { $day }: your selection is not submitted yet
# The subject of "selection not finished".
unfinished-subject = Your selection from “{ $gallery }” is not finished
# Said after the lead when some photos are selected.
selected-so-far = { $n ->
    [0] {""}
   *[other] {" "}(you have selected { photo-count } so far)
}
closes-soon-lead = The photos of “{ $gallery }” can be chosen until { $time } UTC, and { $studio } has not received your selection yet{ selected-so-far }.
unfinished-lead = { $studio } is waiting for your selection from “{ $gallery }”{ selected-so-far }.
# A reminder's text, after its lead; it ends with the address that stops
# reminders. It carries no link to the gallery (the server keeps only a
# hash of the share link): the customer opens the one the studio sent.
reminder-body-words =
    Hello,

    { $lead }

    To finish, open the link { $studio } sent you and press “Submit selection”. Choices you made on your phone or computer are kept there.

    You get at most one reminder of each kind. To stop them:
    { $unsubscribe }

## The page that stops reminders: a question over one button, so a link
## scanner opening the page stops nothing.
unsubscribe-question = Stop the reminders about “{ $gallery }”?
unsubscribe-button = Stop reminders
unsubscribed = You will get no more reminders about “{ $gallery }”. Your choices and the link still work as before.
unsubscribe-unknown = This link to stop reminders is not known here. The gallery may have been deleted, and then no reminder will come.
# The page's title and heading.
reminders-title = Reminders
