// A main() for the fuzz targets without libFuzzer: runs LLVMFuzzerTestOneInput once on each file
// named on the command line, or on each file in a named directory (recursively), so that the seed
// corpus and the committed regressions run as ordinary ctest entries in any build (JSON-8).
// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

// Dot files (.gitkeep) and README files describe a directory; they are not inputs.
bool is_input(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] != '.' && name.rfind("README", 0) != 0;
}

bool run_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", p.string().c_str());
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  // A fresh allocation of the exact size, as libFuzzer gives, so that ASan sees overreads.
  std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
  data.shrink_to_fit();
  (void)LLVMFuzzerTestOneInput(data.empty() ? nullptr : data.data(), data.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n", argv[0]);
    return 2;
  }
  std::size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg(argv[i]);
    std::error_code ec;
    std::vector<fs::path> files;
    if (fs::is_directory(arg, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(arg, ec)) {
        if (e.is_regular_file() && is_input(e.path())) files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
    } else if (fs::is_regular_file(arg, ec)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
      return 1;
    }
    if (ec) {
      std::fprintf(stderr, "%s: %s\n", argv[i], ec.message().c_str());
      return 1;
    }
    for (const auto& f : files) {
      if (!run_file(f)) return 1;
      ++runs;
    }
    std::printf("%s: %zu inputs\n", argv[i], files.size());
  }
  if (runs == 0) {
    std::fprintf(stderr, "no inputs: the seed corpus is missing (run fuzz/make_corpus.py)\n");
    return 1;
  }
  std::printf("ran %zu inputs, all invariants held\n", runs);
  return 0;
}
