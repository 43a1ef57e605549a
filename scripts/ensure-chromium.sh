#!/bin/sh
# Browser tests drive Debian's Chromium; install it when missing and we are allowed to.
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
        || echo "could not install chromium; browser tests will be skipped"
else
    echo "chromium not found and cannot be installed here; browser tests will be skipped"
fi
