// Standalone driver for libFuzzer-style targets when libFuzzer is unavailable (g++ builds):
//   fuzz_target [-runs=N] [-seed=S] FILE_OR_DIR...
// Runs LLVMFuzzerTestOneInput over every input file (directories are walked recursively),
// then over N deterministic random mutations of each (default 200, fixed seed), so the target
// works as a reproducible regression test. Prints the input that crashes before aborting.
#include <algorithm>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

const char* const kTokens[] = {":",    ": ",   "- ",  "\n",       "\n  ", "'",          "\"", "#",   " #",
                               "{",    "}",    "[",   "]",        ",",    "&a ",        "*a", "? ",  "|",
                               ">",    "~",    "!!",  "---",      "...",  "\\",         "\t", "0x1", "1e3",
                               "true", "null", "yes", "\xc3\xa9", "\xff", "%YAML 1.2\n"};

std::string mutate(const std::string& in, std::mt19937_64& rng) {
  std::string s = in;
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    std::size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 6) {
      case 0:  // flip a byte
        if (!s.empty()) s[pos % s.size()] = static_cast<char>(rng() & 0xFF);
        break;
      case 1:  // insert a token
        s.insert(pos, kTokens[rng() % std::size(kTokens)]);
        break;
      case 2:  // delete a range
        if (!s.empty()) s.erase(pos % s.size(), 1 + rng() % 8);
        break;
      case 3: {  // duplicate a range
        if (s.empty()) break;
        std::size_t from = rng() % s.size();
        std::size_t len = std::min<std::size_t>(1 + rng() % 32, s.size() - from);
        s.insert(pos, s.substr(from, len));
        break;
      }
      case 4:  // insert spaces (indentation changes)
        s.insert(pos, std::string(1 + rng() % 4, ' '));
        break;
      default:  // insert a printable ASCII byte
        s.insert(pos, 1, static_cast<char>(0x20 + rng() % 95));
        break;
    }
  }
  return s;
}

std::string g_current;  // the input being run, dumped by the abort handler

void on_abort(int) {
  // Not async-signal-safe, but good enough to keep a reproducer around in a test run.
  if (FILE* f = std::fopen("crash-standalone", "wb")) {
    std::fwrite(g_current.data(), 1, g_current.size(), f);
    std::fclose(f);
    std::fprintf(stderr, "standalone fuzz driver: input written to ./crash-standalone\n");
  }
  std::signal(SIGABRT, SIG_DFL);
  std::abort();
}

void run_one(const std::string& data) {
  g_current = data;
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
}

}  // namespace

int main(int argc, char** argv) {
  long runs = 200;
  unsigned long long seed = 12345;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "-runs=", 6) == 0) {
      runs = std::atol(argv[i] + 6);
    } else if (std::strncmp(argv[i], "-seed=", 6) == 0) {
      seed = std::strtoull(argv[i] + 6, nullptr, 10);
    } else if (argv[i][0] == '-') {
      continue;  // ignore other libFuzzer flags
    } else if (std::filesystem::is_directory(argv[i])) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[i])) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else {
      files.emplace_back(argv[i]);
    }
  }
  std::signal(SIGABRT, on_abort);
  std::sort(files.begin(), files.end());
  std::mt19937_64 rng(seed);
  long executed = 0;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      return 2;
    }
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    run_one(data);
    ++executed;
    std::string current = data;
    for (long r = 0; r < runs; ++r) {
      // Random walk: mostly keep mutating, sometimes restart from the seed input.
      current = (rng() % 4 == 0) ? mutate(data, rng) : mutate(current, rng);
      if (current.size() > 1 << 16) current = data;
      run_one(current);
      ++executed;
    }
  }
  std::printf("standalone fuzz driver: %ld inputs from %zu files, no failures\n", executed, files.size());
  return 0;
}
