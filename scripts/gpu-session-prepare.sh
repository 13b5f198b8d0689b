#!/usr/bin/env bash
# Prepare what scripts/gpu-session.sh carries to the GPU machine (see its header).
# Run here, from the repository root, after `npm ci`. Writes .devcarry/ and .gl/ (both git-ignored
# through .git/info/exclude) and prints their size: with the working tree, under 64 MiB.
set -euo pipefail
grep -qx '/.devcarry/' .git/info/exclude || echo '/.devcarry/' >> .git/info/exclude
grep -qx '/.gl/' .git/info/exclude || echo '/.gl/' >> .git/info/exclude
rm -rf .devcarry && mkdir -p .devcarry/x/y .gl
printf "import { main } from '%s/src/cli/main.ts';\nprocess.exitCode = await main(process.argv.slice(2));\n" "$PWD" > .devcarry/entry.mjs
node_modules/.bin/esbuild .devcarry/entry.mjs --bundle --platform=node --format=esm --target=node20 \
  --outfile=.devcarry/x/y/autodvt.mjs --external:onnxruntime-node --external:playwright-core --log-level=error \
  --banner:js="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);"
rm .devcarry/entry.mjs
xz -9 -T2 -c "$(readlink -f "$(command -v node)")" > .devcarry/node.xz
tar -cf - node_modules/onnxruntime-node/package.json node_modules/onnxruntime-node/dist node_modules/onnxruntime-node/lib \
  node_modules/onnxruntime-node/bin/napi-v6/linux/x64 node_modules/onnxruntime-common | xz -9 -T2 > .devcarry/ortnm.tar.xz
mkdir -p /tmp/amd64/partial
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
apt-get $o update > /dev/null
(cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
du -sh .devcarry .gl
