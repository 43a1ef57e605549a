#!/bin/sh
# Browser tests drive Debian's Chromium; install it when missing and we are allowed to.
# Screenshots of Chinese pages need a CJK font too (without one every glyph is a box):
# Debian's fonts-wqy-microhei, installed the same way when fontconfig finds none.
need=""
[ -x /usr/bin/chromium ] || need="chromium"
if ! fc-list 2>/dev/null | grep -qi wqy; then need="$need fonts-wqy-microhei"; fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's$need for the browser tests"
    # shellcheck disable=SC2086 # the package list is meant to split
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null) \
        || echo "could not install$need; browser tests may be skipped or show Chinese as boxes"
else
    echo "missing$need and cannot install it here; browser tests may be skipped or show Chinese as boxes"
fi
