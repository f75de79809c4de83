"""The player page viewers open at the distribution's root: its files and the headers it is served with.

Pure package (no Pulumi): the `PlayerSite` component uploads `site.page_files()`, the
`livestream player` command writes the same files to a folder, and the CDN's response headers
policy and the browser tests' local server both read `headers`.
"""
