"use client";
// Browser side: the official @fal-ai/client (fal-native is for Node) with no key, sending
// every call through the proxy route above.
import { fal } from "@fal-ai/client";
import { useState } from "react";

fal.config({ proxyUrl: "/api/fal/proxy" });

export default function GeneratePage() {
  const [imageUrl, setImageUrl] = useState<string>();
  const [status, setStatus] = useState("");

  async function generate(prompt: string) {
    setStatus("queued");
    const result = await fal.subscribe("fal-ai/flux/dev", {
      input: { prompt },
      onQueueUpdate: (update) => setStatus(update.status),
    });
    setImageUrl(result.data.images[0].url);
    setStatus("done");
  }

  return (
    <main>
      <button onClick={() => generate("a lighthouse at dusk")}>Generate</button>
      <p>{status}</p>
      {imageUrl && <img src={imageUrl} alt="generated" width={512} />}
    </main>
  );
}
