// Reads the JS objects of lib/native/binding.ts (NativeRequestSpec, NativeSubscribeSpec, ...) into plain
// C++ specs on the JS thread, with a TypeError naming the field when something is off.
#pragma once

#include <napi.h>

#include "specs.h"

namespace falnative {

RequestSpec ReadRequestSpec(const Napi::Value& value, const std::string& where);
SubscribeSpec ReadSubscribeSpec(const Napi::Value& value);
StreamSpec ReadStreamSpec(const Napi::Value& value);
ClientOptions ReadClientOptions(const Napi::Value& value);

}  // namespace falnative
