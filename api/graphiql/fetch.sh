#!/usr/bin/env bash
# Fetches the third-party files of Canopy's GraphiQL page into vendor/, at development
# time only: the binary embeds what is committed there and never fetches anything.
#
# Each package is one exact version from the npm registry (`npm pack`, so npm's own
# registry settings apply), and its tarball must match the sha512 `integrity` pinned
# below (the registry's `dist.integrity`) before anything is extracted. Only the files the
# page loads are kept, with the package's LICENSE, in vendor/<name>-<version>/.
#
# To move to another version: change it and its integrity here (`npm view NAME@VERSION
# dist.integrity`), run this script, then update the paths in index.html and
# api/src/server/graphiql.rs (the build fails until they match what is here).
set -euo pipefail

# name version integrity files-to-keep...
PACKAGES=(
  "graphiql 3.9.0 sha512-rJYFlHdBbug9+YbFSwRVvgfPjCayC7wHecZkx/qB4XLuQPFQZw/yB9pmHFtOJV6RiNBBHro3u1GdocKa3YcGRA== graphiql.min.js graphiql.min.css"
  "react 18.3.1 sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ== umd/react.production.min.js"
  "react-dom 18.3.1 sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw== umd/react-dom.production.min.js"
)

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for entry in "${PACKAGES[@]}"; do
  read -r name version integrity files <<<"$entry"
  tarball="$(npm pack --silent --pack-destination "$work" "$name@$version" | tail -n 1)"
  actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w 0)"
  if [[ "$actual" != "$integrity" ]]; then
    echo "$name@$version: tarball integrity $actual, expected $integrity" >&2
    exit 1
  fi
  unpacked="$work/$name"
  mkdir -p "$unpacked"
  tar -xzf "$work/$tarball" -C "$unpacked"
  dest="$here/vendor/$name-$version"
  rm -rf "$dest"
  mkdir -p "$dest"
  for file in $files LICENSE; do
    cp "$unpacked/package/$file" "$dest/$(basename "$file")"
  done
  echo "$name@$version: $(cd "$dest" && ls | tr '\n' ' ')"
done
