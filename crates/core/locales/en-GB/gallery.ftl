### The gallery page's sentences: while it loads, which copy is shown and how
### old it is, notes over photos that cannot load, positions, and "Save for
### offline".

# While the gallery loads.
loading-gallery = Loading your gallery…
# What a first visit says while a slow origin prepares a very large gallery.
loading-large = This gallery is large and still loading — please keep this page open.
# Under a large gallery's first photos while the list of the others comes.
more-photos-coming = { $n ->
    [one] Loading 1 more photo…
   *[other] Loading { $n } more photos…
}
# "Save for offline" asked before the gallery's whole list has come.
gallery-still-loading = The gallery is still loading; try again in a moment.
# While the studio page loads.
loading-studio = Loading the studio page…
# The device refused to keep more photos, even after evicting others.
storage-full-banner = This device is out of space for saved photos; they will download again next time.
# "Save for offline" found nothing left to download.
all-saved = All photos are already saved on this device.
# "Save for offline" stopped: the device is full.
out-of-space = This device is out of space for saved photos. Free some space, or keep browsing online.
# "Save for offline" while downloads fail and wait to be tried again (no
# connection, or the photo store is down).
save-waiting = Waiting for the connection: the photos can't be reached right now. Saving carries on by itself when they can (if you leave, when you next open this gallery).
# Before and after saving, on iPhone and iPad Safari outside the home
# screen: Safari deletes a site's storage after 7 days without a visit;
# the home screen's app keeps its own (which starts empty, hence the link).
home-screen-hint = On iPhone and iPad, Safari deletes saved photos after 7 days without a visit. To keep them, copy this gallery's link, tap Share, then Add to Home Screen; open Proofline from your Home Screen, paste the link there and save the gallery again.
# The home screen's heading (the app opened with no gallery link).
home-title = Your photo proofs
# The only place customers read the software's name: the studio's brand
# leads everywhere else.
small-print = Proof gallery by Proofline
home-intro = Open the gallery link your photographer sent you to see your proofs, or paste it here.
# What the home page's box asks for.
paste-link-label = Gallery link
# The home page's box held something that is not a gallery link.
not-a-gallery-link = That is not a gallery link: paste the whole link your photographer sent you.
# The PIN form was sent empty.
pin-empty = Please enter the PIN.

## A PIN link's form, before the gallery opens (its button is open-gallery).
gallery-pin-title = Enter your PIN
gallery-pin-lead = The studio protected this gallery with a PIN. You'll find it in their message to you.
gallery-pin-label = PIN

## Times, in the device's time zone. The caller gives hours and minutes
## as two digits ("14", "05").

# A day of the week, 0 being Sunday.
weekday = { $day ->
    [0] Sun
    [1] Mon
    [2] Tue
    [3] Wed
    [4] Thu
    [5] Fri
   *[6] Sat
}
# A month, 1 being January.
month = { $month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
}
# A time of day: "14:05".
time-of-day = { $hour }:{ $minute }
# A day and time, for what is not soon: "Tue 14 Jan, 14:05".
day-time-of = { $weekday } { $day } { $month }, { $time }
# A date and time, for another day than today: "24 Nov, 10:42".
date-time = { $day } { $month }, { $time }
# A coming moment today: "today 14:00".
today-time = today { $time }
# A coming moment within the week: "Tue 14:00".
weekday-time = { $weekday } { $time }

## How long the gallery opens without the studio.

# Under the gallery's title: how long this device may show it without
# reaching the studio, until a coming time ("Tue 14:00").
available-offline-until = Available offline until { $until }.
# The heading over offline-window-over.
offline-over-title = Connect to see this gallery again
# Instead of a gallery whose offline window ran out on this device.
offline-window-over = This gallery was available offline until { $until }. Connect to the internet to open it again: the studio's server confirms that your link still works. Choices you made are kept on this device and sent then.

## The banner over a copy that is not fresh from the studio, saved at a time.

stale-studio-mirror = Studio server unreachable — showing the studio's saved copy from { $at }.
stale-device-offline = You're offline — showing the copy saved on this device at { $at }.
stale-device-online = Studio server unreachable — showing the copy saved on this device at { $at }.

## The note over a photo's placeholder when the photo cannot be shown.

# It has a usable URL but the downloads failed, and the device is online.
not-available-now = Not available right now
not-available-offline = Not available offline

## Positions.

# The lightbox's "3 of 12" (plain numbers, as in the caption).
photo-position = { $n } of { $total }
# The scrubber's "1,234 of 10,000".
scrub-position = { NUMBER($n) } of { NUMBER($total) }

## Saving for offline. Sizes come written ("34.5 MB").

# "Save 12 photos (34.5 MB) on this device?"
save-offline-question-words = Save { photo-count } ({ $size }) on this device?
# After save-offline-question, when the device says how much room is left.
save-offline-room = This site can use { $free } more on this device.
# "Save for offline" asked for more than the device has room for: said
# before anything is downloaded, and nothing is.
save-wont-fit-words = { photo-count } ({ $size }) will not fit: this site has room for { $room } more photos on this device, and the galleries you saved for offline keep the rest. Free some space on the device to save this one.
# The gallery's own record could not be kept, so it would not open offline:
# "Saved for offline" is never claimed then.
gallery-not-kept = This gallery could not be saved on this device ({ $why }), so it will not open offline. Free some space and try again.
# "Saving: 3 of 12 photos · 4.0 MB of 34.5 MB".
saving-progress-words = Saving: { $done } of { $n } photos · { $done-size } of { $size }
# The end of "Save for offline", everything saved.
saved-for-offline-words = Saved for offline: { photo-count } ({ $size }).
# The end of "Save for offline", some photos failed.
saved-some-for-offline = Saved { $saved } of { $n } photos; { $failed } could not be downloaded. Try again when you have signal.

## Words of the page outside the app (`cargo xtask build-client` writes
## them into dist/index.html and dist/sw.js).

# Shown by a browser with JavaScript turned off.
noscript = Please turn on JavaScript to see your photos.
# The service worker's page for a gallery never opened on this device,
# while offline.
offline-page-title = You're offline
offline-page-text = This gallery hasn't been opened on this device yet. Connect to the internet and try again.
