// A stand-in for Electron's contextBridge, following its documented copy rules, so exposeFal is
// exercised the way a context-isolated page would see it (Electron itself cannot run here):
//   functions are proxied (their arguments and results copied on each call), promises are
//   proxied, an Error arrives as a new Error with only its message, cloneable data (typed arrays,
//   ArrayBuffer, Blob) is structured-cloned, plain objects and arrays are deep-copied with
//   prototypes dropped, and objects such as AbortSignal cannot cross ("could not be cloned").
// Both "worlds" share one JS realm here; only the copy rules are emulated.
"use strict";

function copyAcross(value, depth = 0) {
  if (depth > 1000) throw new Error("contextBridge: object is too deep");
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return value;
  if (typeof value === "function") {
    const target = value;
    return function proxied(...args) {
      return copyAcross(target(...args.map((arg) => copyAcross(arg, depth + 1))), depth + 1);
    };
  }
  if (value instanceof Promise) {
    return new Promise((resolve, reject) => {
      value.then(
        (result) => resolve(copyAcross(result, depth + 1)),
        (error) => reject(copyAcross(error, depth + 1)),
      );
    });
  }
  if (value instanceof Error || Object.prototype.toString.call(value) === "[object DOMException]") return new Error(value.message);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || (typeof Blob === "function" && value instanceof Blob)) {
    return structuredClone(value);
  }
  if (Array.isArray(value)) return value.map((item) => copyAcross(item, depth + 1));
  if (typeof EventTarget === "function" && value instanceof EventTarget) {
    throw new Error("An object could not be cloned.");
  }
  const out = {};
  for (const [key, item] of Object.entries(value)) out[key] = copyAcross(item, depth + 1);
  return out;
}

/** `world` plays the page's `window`. */
function createContextBridge(world) {
  return {
    exposeInMainWorld(apiKey, api) {
      if (Object.prototype.hasOwnProperty.call(world, apiKey)) throw new Error(`Cannot bind an API on top of an existing property on the window object`);
      world[apiKey] = deepFreeze(copyAcross(api));
    },
  };
}

function deepFreeze(value) {
  if (value && typeof value === "object") {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

module.exports = { createContextBridge, copyAcross };
