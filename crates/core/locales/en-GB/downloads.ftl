### Downloads in words: the buttons, a ZIP's progress and its end.

# The lightbox's button.
download = Download
# While one photo downloads.
downloading = Downloading…
# One photo that is neither on the device nor reachable.
download-unreachable = This photo isn't saved on this device and can't be reached right now. Try again when you're online.

## The form asking for a link's download PIN, before anything downloads
## (its title is download-photos).
download-pin-lead = The studio protected downloads with a PIN. You'll find it in their message to you.
download-pin-label = Download PIN
download-pin-button = Unlock downloads

# A ZIP stopped by the customer.
zip-cancelled = Download cancelled. Nothing was saved.
# The browser could not make the file (out of memory or disk).
zip-failed = Your browser couldn't make the download file. Free some space, or download fewer photos at a time.

## Which photos a ZIP holds: favourites, selected or all.

# The word in the ZIP's name: "Wedding - favourites.zip".
zip-word = { $which ->
    [favourites] favourites
    [selected] selected
   *[all] all
}
# Its button: "Download favourites (12)".
zip-button = { $which ->
    [favourites] Download favourites ({ $photos })
    [selected] Download selected ({ $photos })
   *[all] Download all ({ $photos })
}
# While a ZIP is built: "Preparing 3 of 12 photos · 4.1 MB".
zip-progress-words = Preparing { $done } of { photo-count } · { $size }
# A ZIP handed to the browser: "Saved Wedding - all.zip: 12 photos (34.5 MB)."
zip-saved = Saved { $file }: { photo-count } ({ $size }).
# After zip-saved, the photos left out of it.
zip-missed = { $missed ->
    [one] 1 photo could not be included: not saved on this device and not reachable right now.
   *[other] { $missed } photos could not be included: not saved on this device and not reachable right now.
}
