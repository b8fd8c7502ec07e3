#!/usr/bin/env bash
# The packages as users get them (issue 15): pack every package, install the tarballs into a folder outside this
# checkout, scaffold a plugin with the installed CLI, install and test the scaffold against the tarballs, then start
# a hub from the installed package with that plugin enabled by package name and relay one message each way.
# Run after `npm ci` (the packing builds). KEEP_PACKAGE_CHECK=1 keeps the temp folder for a look.
set -euo pipefail
CHECKOUT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/byoc-packages-XXXXXX")"
[ "${KEEP_PACKAGE_CHECK:-}" = 1 ] && echo "keeping $WORK" || trap 'rm -rf "$WORK"' EXIT
case "$WORK" in "$CHECKOUT"/*) echo "the temp folder must be outside the checkout" >&2; exit 1 ;; esac
NPM=(--prefer-offline --no-audit --no-fund --loglevel=error)
T0=$SECONDS
step () { echo; echo "== $1 ($((SECONDS - T0)) s)"; }

step "1. build once, then pack"
mkdir -p "$WORK/tarballs"
# the root's build builds every package, and each package's prepack would build it again: one build, then packing
# without lifecycle scripts (the tarball checks below say what each must hold). The kit packs with its scripts: its
# prepack strips the dev link to the hub from the manifest (and builds only the kit), its postpack puts it back.
(cd "$CHECKOUT" && npm run build --silent >/dev/null \
  && npm pack --ignore-scripts --include-workspace-root -w @byoc-hub/plugin-api -w byoc-hub-plugin-watering-hole -w byoc-hub-plugin-generic-webhook --pack-destination "$WORK/tarballs" --loglevel=error >/dev/null \
  && npm pack -w @byoc-hub/plugin-kit --pack-destination "$WORK/tarballs" --loglevel=error >/dev/null)
ls "$WORK/tarballs"
tgz () { ls "$WORK"/tarballs/"$1"-[0-9]*.tgz; }
HUB=$(tgz byoc-hub); API=$(tgz byoc-hub-plugin-api); KIT=$(tgz byoc-hub-plugin-kit); WH=$(tgz byoc-hub-plugin-watering-hole)
# what a tarball must carry: compiled code and types, the templates; never the TypeScript sources or tests
has () { tar -tzf "$1" > "$WORK/list"; grep -qx "package/$2" "$WORK/list" || { echo "$(basename "$1") lacks $2" >&2; exit 1; }; }
has "$HUB" dist/core/index.d.ts; has "$HUB" dist/core/cli/main.js; has "$HUB" templates/plugin/webhook.ts
has "$API" dist/index.js; has "$API" dist/index.d.ts; has "$KIT" dist/index.js; has "$WH" dist/web/app.js
# a published manifest has no link into this checkout (the kit's dev link to the hub is stripped when packed)
for t in "$WORK"/tarballs/*.tgz; do
  if tar -xOzf "$t" package/package.json | grep -E '"(file|link|workspace):'; then echo "$(basename "$t") links into the checkout" >&2; exit 1; fi
done
tar -tzf "$HUB" > "$WORK/list"
if grep -E '^package/(core|test|plugins|dist/test|dist/plugins)/' "$WORK/list"; then echo "byoc-hub carries sources or tests" >&2; exit 1; fi

step "2. install the tarballs into $WORK/app"
mkdir -p "$WORK/app"
cd "$WORK/app"
echo '{ "name": "hub-install", "private": true, "type": "module" }' > package.json
# not published yet: the tarballs of the first-party plugin the hub depends on, and of its peer, satisfy them; the
# kit's eventually() paces step 5
# better-sqlite3 compiles from source on install (~90 s, no prebuilt binary reaches this machine): when the checkout
# holds a build of the same version for the same Node, that addon is copied in; otherwise it is compiled here
npm install "${NPM[@]}" --ignore-scripts "$HUB" "$WH" "$API" "$KIT"
sqlite_version () { node -p "require('$1/node_modules/better-sqlite3/package.json').version" 2>/dev/null; }
if [ -f "$CHECKOUT/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ] && [ "$(sqlite_version "$CHECKOUT")" = "$(sqlite_version "$WORK/app")" ]; then
  mkdir -p node_modules/better-sqlite3/build/Release
  cp "$CHECKOUT/node_modules/better-sqlite3/build/Release/better_sqlite3.node" node_modules/better-sqlite3/build/Release/
else
  npm rebuild --loglevel=error better-sqlite3
fi
node -e "new (require('better-sqlite3'))(':memory:').close()" || { echo "better-sqlite3 does not load in the install" >&2; exit 1; }

step "3. byoc-hub create-plugin acme-chat, from the install"
npx --no-install byoc-hub create-plugin acme-chat "$WORK/byoc-hub-plugin-acme-chat"
PLUGIN="$WORK/byoc-hub-plugin-acme-chat"
if grep -rIn -e "$CHECKOUT" -e 'file:' -e 'link:' -e 'workspace:' "$PLUGIN"; then
  echo "the scaffold points into the checkout or at local links" >&2; exit 1
fi

step "4. install the scaffold against the tarballs; npm install && npm test"
cd "$PLUGIN"
# share the hub install (better-sqlite3 is built once): npm keeps what it finds in node_modules when it fits
cp -al "$WORK/app/node_modules" node_modules
npm install "${NPM[@]}" --save-dev "$HUB" "$API" "$KIT" "$WH"
npm install "${NPM[@]}"
npm test
npm publish --dry-run --ignore-scripts 2>&1 | grep -E 'dist/index.js|total files' || { echo "npm publish --dry-run lists no dist/index.js" >&2; exit 1; }
npm pack --pack-destination "$WORK/tarballs" --loglevel=error >/dev/null

step "5. a hub from the installed package, the plugin enabled by package name, one message each way"
cd "$WORK/app"
npm install "${NPM[@]}" "$(tgz byoc-hub-plugin-acme-chat)"
SECRET="whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')"   # Standard Webhooks: whsec_ and base64
cat > hub.yaml <<YAML
server: { host: 127.0.0.1, port: 0 }
auth: { clients: [{ clientId: pkg-check, clientSecret: pkg-check-client-secret-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n') }] }
cxone: { mode: sandbox, retryBase: 50ms, retryMax: 500ms }
sandbox: { clientId: pkg-check }
store: { driver: sqlite, path: ./hub.db }
log: { level: warn }
channels:
  - id: acme-chat
    plugin: byoc-hub-plugin-acme-chat
    cxoneChannelId: chat_acme-chat
    config:
      platformUrl: \${PLATFORM_URL}
      signingSecret: $SECRET
YAML
PLATFORM_URL=http://127.0.0.1:9/x npx --no-install byoc-hub check-config --config hub.yaml >/dev/null
cp "$CHECKOUT/scripts/package-relay.mjs" .
node package-relay.mjs hub.yaml acme-chat "$SECRET"

echo; echo "packages check passed in $((SECONDS - T0)) s"
