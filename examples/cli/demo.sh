#!/usr/bin/env bash
# The fal-native CLI against the built-in emulator: no key, no network.
#
#   npm run build:ts && bash examples/cli/demo.sh
#
# Uses the CLI from this checkout; set FAL_NATIVE=fal-native to use an installed one instead.
# Generated files land in examples/output/cli/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/examples/output/cli"
mkdir -p "$out"
read -r -a fal <<<"${FAL_NATIVE:-node $root/dist/lib/cli/main.js}"

# 1. Start the emulator on a free port and wait for its "listening on <url>" line.
log="$(mktemp)"
"${fal[@]}" emulator --port 0 --quiet --queue-ms 400 --step-ms 150 --steps 5 >"$log" &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
  url="$(sed -n 's/^fal emulator listening on //p' "$log")"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "the emulator did not start" >&2; exit 1; }
echo "== emulator at $url"
# Every command below gets --emulator "$url"; exporting the printed FAL_*_URL lines works too.
at=(--emulator "$url")

# 2. subscribe: progress on stderr (a live line on a terminal), image paths on stdout.
echo "== subscribe, saving the image"
"${fal[@]}" subscribe fal-ai/flux-1/schnell "${at[@]}" \
  -i prompt="a lighthouse at dusk, oil painting" -i seed=42 \
  -i image_size.width=512 -i image_size.height=384 \
  --download "$out"

# 3. run with the input from a JSON file plus an override, result JSON to jq-friendly stdout.
echo "== run with --input-file and -i"
input="$out/input.json"
printf '{"prompt": "a red fox in snow", "num_images": 1, "seed": 1}\n' >"$input"
"${fal[@]}" run fal-ai/flux-1/schnell "${at[@]}" --input-file "$input" -i seed=7 --compact

# 4. submit / status / result / cancel, the way a script drives a long job.
echo "== submit, status, result --wait"
id="$("${fal[@]}" submit fal-ai/flux-pro/v1.1-ultra "${at[@]}" -i prompt="a glass city" -i aspect_ratio=1:1)"
echo "request id: $id"
"${fal[@]}" status fal-ai/flux-pro/v1.1-ultra "$id" "${at[@]}"
"${fal[@]}" result fal-ai/flux-pro/v1.1-ultra "$id" "${at[@]}" --wait --quiet --json >"$out/ultra-result.json"
echo "result saved to $out/ultra-result.json"

echo "== cancel a request that is still queued"
id="$("${fal[@]}" submit fal-ai/flux-1/schnell "${at[@]}" -i prompt="never mind")"
"${fal[@]}" cancel fal-ai/flux-1/schnell "$id" "${at[@]}"

# 5. upload a local file, use its URL in an image-editing input (-i key=@file does both at once).
echo "== upload, then image editing with a local file"
first_image="$(ls "$out"/*.png | head -1)"
"${fal[@]}" upload "$first_image" "${at[@]}"
"${fal[@]}" subscribe fal-ai/flux-pro/kontext "${at[@]}" --quiet \
  -i prompt="make it winter" -i image_url=@"$first_image" --download "$out"

# 6. download any URL.
echo "== download"
image_url="$("${fal[@]}" run fal-ai/flux-1/schnell "${at[@]}" -i prompt=x --json | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).data.images[0].url')"
"${fal[@]}" download "$image_url" --out "$out"

# 7. Exit codes a script can branch on.
echo "== exit codes"
set +e
"${fal[@]}" run fal-ai/flux-1/schnell "${at[@]}" -i num_images=9 2>/dev/null
echo "invalid input (422): exit $?"
"${fal[@]}" run fal-ai/flux-1/schnell "${at[@]}" --input '{oops' 2>/dev/null
echo "bad JSON: exit $?"
"${fal[@]}" subscribe fal-ai/flux-1/schnell "${at[@]}" -i prompt=x -H "x-fal-emulator-scenario: slow" --timeout 0.5 --quiet 2>/dev/null
echo "timeout: exit $?"
"${fal[@]}" run fal-ai/flux-1/schnell --emulator http://127.0.0.1:9 --retries 0 -i prompt=x 2>/dev/null
echo "connection refused: exit $?"
set -e

echo "== done; files in $out"
