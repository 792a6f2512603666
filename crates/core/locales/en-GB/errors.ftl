### Why something could not be loaded, sent or saved, as the customer reads
### it: what the app says itself, and the refusals the studio's server
### answers with (a wrong PIN, a server that cannot save), which the app
### shows as they come.

# No origin (nor the mirror) answered.
unreachable = We couldn't reach the studio's server. Check your connection and try again.
# The origin does not know the gallery.
not-found = This gallery doesn't exist, or the studio has stopped sharing it.
# The origin refused the link's token.
unauthorized = This link isn't valid any more. Please ask the studio for a new one.
# The link has a PIN and this device has no valid pass for it.
pin-required = This gallery is protected by a PIN. Please enter the PIN the studio gave you.
# A batch of choices found no origin answering (it is tried again).
send-unreachable = the studio's server could not be reached
# The browser refused a write for lack of space.
device-full = this device has no more room for saved photos
# A wrong PIN, with the tries left before the PIN locks.
wrong-pin = That PIN is not right. { $tries-left ->
    [one] 1 more try
   *[other] { $tries-left } more tries
} before it locks for a while.
# A PIN sent that cannot be one.
not-a-pin = A PIN is 4 to 8 digits.
# A PIN sent for a link that has none.
no-pin = This link has no PIN.
# A download PIN sent for a link whose downloads need none.
no-download-pin = This link's downloads need no PIN.
# The server cannot save choices just now: they wait on the device.
cannot-save-now = The studio server cannot save choices just now. They are kept on this device and sent again shortly.
# The server failed in a way it does not explain.
server-failed = The studio server had a problem. Please try again in a moment.
# After too many wrong PINs, until `when` ("today 14:05", "Tue 8 Dec, 14:05").
pin-locked = Too many wrong PINs. Please try again after { $when }.
# The origin answered an unexpected error status.
server-problem = The studio's server had a problem ({ $status }). Please try again in a moment.
# The manifest failed validation; `why` is the validator's reason.
damaged = The gallery's data is damaged, so we can't show it. Please tell the studio. ({ $why })
# The studio refused a batch of choices without saying why.
server-answered = the studio's server answered { $status }
# The browser does not let this site store anything (some private modes).
storage-unavailable = this browser does not allow saving data ({ $why })
# The device store failed for another reason.
device-store-failed = the device store failed: { $why }
# A file or request larger than the studio's server takes: what it is (a
# sentence's start), the most it takes and its size, both like "5.2 MB".
too-large = { $what } can be up to { $limit }; this one is { $size }.
