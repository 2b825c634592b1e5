// MD5 hashing of byte strings, as DVC computes object ids (files are hashed by
// object/file_hash.h on top of this).
//
// Md5 is an incremental hasher over OpenSSL's EVP MD5. HashMode::dos2unix
// reproduces DVC 2's legacy `md5-dos2unix` rule: each 1 MiB chunk whose first 512 bytes look
// like text has "\r\n" replaced by "\n" before hashing (a CRLF split across chunks is kept).
// Thread-safe: each call uses its own context.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cairn/util/error.h"

namespace cairn {

enum class HashMode { md5, dos2unix };

// A binary MD5 digest (16 bytes), for holding many of them compactly.
struct Md5Digest {
  std::array<unsigned char, 16> bytes{};
  // 32-char lowercase hex.
  std::string hex() const;
  void append_hex(std::string& out) const;
  // nullopt unless `hex` is 32 lowercase hex chars.
  static std::optional<Md5Digest> from_hex(std::string_view hex);
  friend bool operator==(const Md5Digest&, const Md5Digest&) = default;
};

class Md5 {
 public:
  Md5();
  ~Md5();
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;
  void update(std::string_view data);
  // Finishes and returns the 32-char lowercase hex digest. The hasher is reset afterwards.
  std::string hex_digest();
  // Finishes and returns the binary digest. The hasher is reset afterwards.
  Md5Digest digest();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

std::string md5_hex(std::string_view data);

// Hex digest of in-memory bytes under a mode (dos2unix applied per 1 MiB chunk, as files).
std::string hash_bytes(std::string_view data, HashMode mode);

// True when DVC's legacy rule treats this chunk as text (first 512 bytes inspected).
bool looks_like_text(std::string_view chunk);

// "\r\n" -> "\n" within one chunk.
std::string dos2unix(std::string_view chunk);

bool is_md5_hex(std::string_view s);

}  // namespace cairn
