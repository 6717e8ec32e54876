// Converts a record into the plain JS object described by NativeRecord in lib/native/binding.ts.
#pragma once

#include <napi.h>

#include "records.h"

namespace falnative {

Napi::Object RecordToJs(Napi::Env env, Record& record);

}  // namespace falnative
