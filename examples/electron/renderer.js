// Page code (main world). No key here: every call is answered by the main process.
"use strict";

const log = (line) => {
  document.getElementById("log").textContent += `${line}\n`;
};

document.getElementById("generate").addEventListener("click", async () => {
  const prompt = document.getElementById("prompt").value;
  try {
    const result = await window.fal.subscribe("fal-ai/flux-1/schnell", {
      input: { prompt },
      logs: true,
      onEnqueue: (requestId) => log(`queued ${requestId}`),
      onQueueUpdate: (update) => log(`${update.status}${update.queue_position != null ? ` #${update.queue_position}` : ""}`),
    });
    document.getElementById("image").src = result.data.images[0].url;
    log(`done ${result.requestId}`);
  } catch (error) {
    // Through contextBridge an Error keeps only its message. For err.status, err.body and
    // `instanceof ApiError`, bundle page code that uses createFalRendererClient(window.falBridge).
    log(`failed: ${error.message}`);
  }
});

document.getElementById("upload").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  // A File/Blob is read here and uploaded by main; file paths are refused from renderers.
  const url = await window.fal.storage.upload(file, { onProgress: (sent, total) => log(`upload ${sent}/${total}`) });
  log(`uploaded: ${url}`);
});
