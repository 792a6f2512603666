### Numbers as people read them.

# Between each three digits of a large number: 10,000.
thousands-separator = {","}
# Between the whole and the tenths: 12.3 MB.
decimal-separator = {"."}
# "1 photo", "10,000 photos".
photo-count = { $n ->
    [one] { $n } photo
   *[other] { $n } photos
}
# Sizes in decimal units: "4 kB" (rounded up), "12.3 MB", "1.2 GB".
size-kb = { $size } kB
size-mb = { $size } MB
size-gb = { $size } GB
