// Minimal reading and writing of the XML documents S3 exchanges (ListBucketResult, Error,
// InitiateMultipartUploadResult, CompleteMultipartUploadResult, ListAllMyBucketsResult,
// DeleteResult, CopyObjectResult). Not a general XML parser: S3's documents are flat,
// element-only, and use no namespaces prefixes, comments or DTDs, so finding elements by
// exact tag name is enough. What it does handle correctly:
// - a tag name matches exactly ("<Key>" never matches "<KeyCount>"), with or without
//   attributes, and "<Tag/>" is an empty element;
// - text is entity-decoded: &amp; &lt; &gt; &quot; &apos; and numeric &#NN; / &#xHH;
//   (encoded as UTF-8), and CDATA sections are taken verbatim;
// - xml_escape() escapes the five special characters for request bodies.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/util/error.h"

namespace cairn::remote::s3 {

// The decoded text of the first <tag> element inside `xml`, or nullopt.
std::optional<std::string> xml_text(std::string_view xml, std::string_view tag);
// The raw inner XML of every <tag> element inside `xml` (not descending into a matched one).
std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag);
// Entity and CDATA decoding of element text.
std::string xml_decode(std::string_view text);
std::string xml_escape(std::string_view text);

// "a%20b+c" -> "a b c": what S3 sends for encoding-type=url (botocore decodes with
// unquote_plus). Invalid escapes are kept as they are.
std::string url_unquote_plus(std::string_view text);

// "2026-01-02T03:04:05.678Z" -> ns since the epoch (0 when unparsable).
std::int64_t parse_iso8601_ns(std::string_view text);

// `"abc"` -> `abc` (S3 ETags are quoted).
std::string strip_quotes(std::string_view etag);

struct S3ErrorBody {
  std::string code;  // e.g. "NoSuchBucket"; empty when the body is not an S3 <Error>
  std::string message;
  std::string bucket;    // <BucketName> when present
  std::string region;    // <Region> (AuthorizationHeaderMalformed, PermanentRedirect)
  std::string endpoint;  // <Endpoint> (PermanentRedirect)
};
// Parses an <Error> document; all fields empty when there is none.
S3ErrorBody parse_error_body(std::string_view xml);

struct ListedObject {
  std::string key;  // full key (decoded)
  std::uint64_t size = 0;
  std::string etag;
  std::int64_t mtime_ns = 0;
};
struct ListPage {
  std::vector<ListedObject> objects;
  bool truncated = false;
  std::string next_token;  // NextContinuationToken
};
// ListObjectsV2 result; keys url-decoded when the response says <EncodingType>url.
Expected<ListPage> parse_list_objects_v2(std::string_view xml);

}  // namespace cairn::remote::s3
