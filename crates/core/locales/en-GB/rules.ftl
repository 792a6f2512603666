### The studio's terms as the customer reads them: the selection rules,
### why a choice was refused, and when the link closes. Days come written
### ("12 Nov 2026").

## The selection rules: "Choose 10 to 20 photos by 12 Nov 2026."
choose-up-to = Choose up to { $max ->
    [one] 1 photo
   *[other] { $max } photos
}
choose-at-least = Choose at least { $min ->
    [one] 1 photo
   *[other] { $min } photos
}
choose-exactly = Choose { $n ->
    [one] 1 photo
   *[other] { $n } photos
}
choose-between = Choose { $min } to { $max } photos
rules-sentence = { $count }.
rules-by = { $count } by { $day }.
selections-close = Selections close on { $day }.

## Why the studio's rules refused a choice.
refused-locked = The studio locked this gallery on { $day }; this change was not sent.
refused-submitted = Your selection was submitted on { $day }; it can no longer change.
refused-past-deadline = Selections closed on { $day }.
refused-full = You have selected the most the studio allows ({ $max }). Unselect one to choose another.
refused-too-few = Choose { $missing } more { $missing ->
    [one] photo
   *[other] photos
}: the studio asks for at least { $min } (you have { $have }).
refused-too-many = The studio allows at most { $max ->
    [one] 1 photo
   *[other] { $max } photos
}; you have { $have }. Unselect { $over } to submit.
refused-unknown-photo = This photo is no longer in the gallery.
refused-clock-ahead = This device's clock is far ahead of the studio's; check the date and time settings.
refused-link-full = This link has reached the most changes the studio keeps for one link ({ $max }). Please contact the studio; this change was not sent.
refused-unknown-comment = There is no such comment on this link to reply to.

## When the link closes.
# Within a week of closing.
closes-soon = This gallery closes on { $day }. Please make your choices before then.
available-until = Available until { $day }.
# An expired link; the origin and the app say the same.
expired = This gallery was available until { $day }. Please contact the studio if you still need it.
# A day: "12 Nov 2026".
day-label = { $day } { $month } { $year }
# A time on a day, in UTC: "14:05 on 12 Nov 2026".
time-on-day = { $time } on { $day }
