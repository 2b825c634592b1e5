#include "cairn/util/md5.h"

#include <openssl/evp.h>

#include <cstring>


namespace cairn {

struct Md5::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Md5::Md5() : m_impl(std::make_unique<Impl>()) {
  m_impl->ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(m_impl->ctx, EVP_md5(), nullptr);
}

Md5::~Md5() { EVP_MD_CTX_free(m_impl->ctx); }

void Md5::update(std::string_view data) { EVP_DigestUpdate(m_impl->ctx, data.data(), data.size()); }

Md5Digest Md5::digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(m_impl->ctx, digest, &len);
  EVP_DigestInit_ex(m_impl->ctx, EVP_md5(), nullptr);
  Md5Digest d;
  std::memcpy(d.bytes.data(), digest, 16);
  return d;
}

std::string Md5Digest::hex() const {
  std::string out;
  out.reserve(32);
  append_hex(out);
  return out;
}

void Md5Digest::append_hex(std::string& out) const {
  static const char* k_hex = "0123456789abcdef";
  char buf[32];
  for (int i = 0; i < 16; ++i) {
    buf[2 * i] = k_hex[bytes[i] >> 4];
    buf[2 * i + 1] = k_hex[bytes[i] & 15];
  }
  out.append(buf, 32);
}

std::optional<Md5Digest> Md5Digest::from_hex(std::string_view hex) {
  if (hex.size() != 32) return std::nullopt;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  Md5Digest d;
  for (int i = 0; i < 16; ++i) {
    int hi = val(hex[2 * i]), lo = val(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    d.bytes[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return d;
}

std::string Md5::hex_digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(m_impl->ctx, digest, &len);
  EVP_DigestInit_ex(m_impl->ctx, EVP_md5(), nullptr);
  static const char* k_hex = "0123456789abcdef";
  std::string out(2 * len, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = k_hex[digest[i] >> 4];
    out[2 * i + 1] = k_hex[digest[i] & 15];
  }
  return out;
}

std::string md5_hex(std::string_view data) {
  Md5 h;
  h.update(data);
  return h.hex_digest();
}

std::string hash_bytes(std::string_view data, HashMode mode) {
  if (mode == HashMode::md5) return md5_hex(data);
  Md5 h;
  constexpr std::size_t k_chunk = 1 << 20;
  for (std::size_t off = 0; off < data.size(); off += k_chunk) {
    auto chunk = data.substr(off, k_chunk);
    if (looks_like_text(chunk)) h.update(dos2unix(chunk));
    else h.update(chunk);
  }
  return h.hex_digest();
}

bool looks_like_text(std::string_view chunk) {
  // dvc_data/hashfile/istextfile.py: TEXT_CHARS = bytes(range(32, 127)) + b"\n\r\t\f\b"
  std::string_view block = chunk.substr(0, 512);
  if (block.empty()) return true;
  if (block.find('\0') != std::string_view::npos) return false;
  std::size_t nontext = 0;
  for (unsigned char c : block) {
    bool text = (c >= 32 && c < 127) || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\b';
    if (!text) ++nontext;
  }
  return static_cast<double>(nontext) / static_cast<double>(block.size()) <= 0.30;
}

std::string dos2unix(std::string_view chunk) {
  std::string out;
  out.reserve(chunk.size());
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    if (chunk[i] == '\r' && i + 1 < chunk.size() && chunk[i + 1] == '\n') continue;
    out.push_back(chunk[i]);
  }
  return out;
}

bool is_md5_hex(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace cairn
