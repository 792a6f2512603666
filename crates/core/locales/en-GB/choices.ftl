### The customer's choices in words: what a choice was, where the choices
### are (the outbox's line), the selection bar, and what a withdrawn
### gallery's notice says about choices that never reached the studio.
### A photo is named by its alt text or file name, else by its id.

## What a choice was: "Selecting “Ceremony 03”".
favouriting = Favouriting “{ $photo }”
unfavouriting = Unfavouriting “{ $photo }”
selecting = Selecting “{ $photo }”
unselecting = Unselecting “{ $photo }”
# "Your verdict on “Ceremony 03”: changes requested".
verdict-on = Your verdict on “{ $photo }”: { $verdict ->
    [approved] approved
    [changes] changes requested
   *[undecided] undecided
}
comment-on = Your comment on “{ $photo }”: “{ $text }”
submitting = Submitting the selection
telling-opened = Telling the studio the gallery was opened
studio-reply = The studio's reply: “{ $text }”
telling-saved = Telling the studio how many photos are saved for offline
telling-downloaded = Telling the studio about a download

# A choice the studio refused, kept in the list of those not accepted:
# "Selecting “Ceremony 03”: Selections closed on 12 Nov 2026."
refused-choice = { $what }: { $reason }
# The device could not save a choice (it is kept while the page is open).
choice-not-saved = This choice could not be saved on this device ({ $error }); keep this page open until it is sent.
# Before the studio's reply to a comment, in the lightbox.
studio-replied = The studio replied:{ " " }

## The outbox's line: where the customer's choices are.

# The studio refused the requests themselves.
choices-not-sent = { $n ->
    [one] 1 choice not sent: { $reason }
   *[other] { $n } choices not sent: { $reason }
}
choices-waiting = { $n ->
    [one] 1 choice waiting to be sent.
   *[other] { $n } choices waiting to be sent.
}
choices-kept-offline = { $n ->
    [one] 1 choice saved on this device; they will be sent when you're back online.
   *[other] { $n } choices saved on this device; they will be sent when you're back online.
}
# None wait: the newest receipt, and when the studio gave it.
all-received = All choices received by the studio at { $at } · receipt { $receipt }
# The heading over the choices the studio refused.
not-accepted-heading = Not accepted by the studio ({ $n })

## The selection bar: how many are selected, then whether the selection
## was submitted, else whether the studio locked the gallery, else its rules.
selected-count = { $n } selected
submitted-on = { $count } · Selection submitted on { $at }.
studio-receipt = Studio's receipt: { $receipt }.
locked-on = { $count } · The studio locked this gallery on { $at }.
count-and-rules = { $count } · { $rules }

# Asked before "Submit selection" is final.
submit-question = Submit { $n } photos to the studio? The selection can't be changed afterwards.
# The heading of a withdrawn gallery's notice, with its title if known.
withdrawn-titled = “{ $title }” is no longer available
withdrawn-untitled = This gallery is no longer available
# "1 choice did not reach the studio".
unsent-heading = { $n ->
    [one] 1 choice did not reach the studio
   *[other] { $n } choices did not reach the studio
}
