// Small, valid media files for catalogue outputs that are not pictures: WAV audio (PCM), MP4
// video (ISO BMFF with uncompressed 'raw ' RGB frames, a codec every MP4 demuxer knows; ffprobe
// reports rawvideo rgb24), binary glTF (GLB) for 3D outputs, and plain bytes for anything else.
// All deterministic for the same arguments, and kept tiny so tests stay fast.

/** 16-bit mono PCM WAV: a sine tone whose pitch comes from `seed`, `seconds` long (8 kHz). */
export function makeWav(seconds: number, seed: number): Buffer {
  const rate = 8000;
  const samples = Math.max(1, Math.round(rate * seconds));
  const data = Buffer.alloc(samples * 2);
  const freq = 220 + (Math.abs(seed) % 440);
  for (let i = 0; i < samples; i++) {
    const fade = Math.min(1, i / 400, (samples - i) / 400);
    data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * freq * i) / rate) * 8000 * fade), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write("data", 36, "ascii");
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, "ascii");
  return Buffer.concat([head, body]);
}

function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return box(type, vf, ...payload);
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

function u16(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => b.writeUInt16BE(v & 0xffff, i * 2));
  return b;
}

const MATRIX = u32(0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000);

/**
 * An MP4 of `frames` uncompressed RGB frames of width x height at `fps` (a colour sweep from
 * `seed`). 32x32 with 8 frames is about 25 KB.
 */
export function makeMp4(width: number, height: number, frames: number, fps: number, seed: number): Buffer {
  const frameBytes = width * height * 3;
  const pixels = Buffer.alloc(frameBytes * frames);
  for (let f = 0; f < frames; f++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = f * frameBytes + (y * width + x) * 3;
        pixels[o] = (x * 255) / Math.max(1, width - 1);
        pixels[o + 1] = (y * 255) / Math.max(1, height - 1);
        pixels[o + 2] = (seed * 37 + f * 32) & 0xff;
      }
    }
  }
  const durationMs = Math.round((frames * 1000) / fps);
  const ftyp = box("ftyp", Buffer.from("isom", "ascii"), u32(0x200), Buffer.from("isomiso2mp41", "ascii"));
  const mvhd = fullBox("mvhd", 0, 0, u32(0, 0, 1000, durationMs, 0x00010000), u16(0x0100, 0), u32(0, 0), MATRIX, Buffer.alloc(24), u32(2));
  const tkhd = fullBox("tkhd", 0, 3, u32(0, 0, 1, 0, durationMs, 0, 0), u16(0, 0, 0, 0), MATRIX, u32(width << 16, height << 16));
  const mdhd = fullBox("mdhd", 0, 0, u32(0, 0, fps, frames), u16(0x55c4, 0));
  const hdlr = fullBox("hdlr", 0, 0, u32(0), Buffer.from("vide", "ascii"), Buffer.alloc(12), Buffer.from("VideoHandler\0", "ascii"));
  const vmhd = fullBox("vmhd", 0, 1, u16(0, 0, 0, 0));
  const dinf = box("dinf", fullBox("dref", 0, 0, u32(1), fullBox("url ", 0, 1)));
  const compressor = Buffer.alloc(32);
  const sampleEntry = box(
    "raw ",
    Buffer.alloc(6), u16(1), // reserved, data_reference_index
    u16(0, 0), u32(0, 0, 0), // pre_defined, reserved, pre_defined
    u16(width, height),
    u32(0x00480000, 0x00480000, 0), // 72 dpi, reserved
    u16(1), compressor, u16(24, 0xffff), // frame_count, compressorname, depth, pre_defined
  );
  const stsd = fullBox("stsd", 0, 0, u32(1), sampleEntry);
  const stts = fullBox("stts", 0, 0, u32(1, frames, 1));
  const stsc = fullBox("stsc", 0, 0, u32(1, 1, frames, 1));
  const stsz = fullBox("stsz", 0, 0, u32(frameBytes, frames));
  // The chunk offset depends on the moov size, which does not depend on the offset's value.
  const build = (offset: number) => {
    const stco = fullBox("stco", 0, 0, u32(1, offset));
    const stbl = box("stbl", stsd, stts, stsc, stsz, stco);
    const minf = box("minf", vmhd, dinf, stbl);
    const mdia = box("mdia", mdhd, hdlr, minf);
    return box("moov", mvhd, box("trak", tkhd, mdia));
  };
  const moovSize = build(0).length;
  const moov = build(ftyp.length + moovSize + 8);
  return Buffer.concat([ftyp, moov, box("mdat", pixels)]);
}

/** A binary glTF 2.0 file with one empty scene: the smallest valid GLB. */
export function makeGlb(): Buffer {
  let json = JSON.stringify({ asset: { version: "2.0", generator: "fal-native emulator" }, scene: 0, scenes: [{ nodes: [] }] });
  while (json.length % 4 !== 0) json += " ";
  const chunk = Buffer.concat([u32le(json.length), Buffer.from("JSON", "ascii"), Buffer.from(json, "utf8")]);
  const header = Buffer.concat([Buffer.from("glTF", "ascii"), u32le(2), u32le(12 + chunk.length)]);
  return Buffer.concat([header, chunk]);
}

function u32le(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value, 0);
  return b;
}
