// ISO-8601 times <-> milliseconds since the Unix epoch (UTC), for records and queries.
//
// Contract: parse_iso_time accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.f...]]" ('T' or ' '),
// followed by "Z", "+HH:MM", "-HH:MM", "+HHMM" or nothing (= UTC); fractional digits beyond
// milliseconds are truncated. format_iso_time always writes "YYYY-MM-DDTHH:MM:SS.mmmZ", which
// parse_iso_time reads back to the same value. Pure functions; no time-zone database.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/util/error.h"

namespace cairn::catalog {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

Expected<TimePoint> parse_iso_time(std::string_view text);
std::string format_iso_time(TimePoint t);
// The current time, rounded down to milliseconds.
TimePoint now_ms();

}  // namespace cairn::catalog
