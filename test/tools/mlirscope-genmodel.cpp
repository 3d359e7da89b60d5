//===- mlirscope-genmodel.cpp - Synthetic MLIR models ---------------------===//
//
// Writes valid MLIR models, bytecode or text, whose weights are
// `dense_resource` blobs of any size, for tests and benchmarks:
//
//   mlirscope-genmodel -o out.mlirbc [--model weights|transformer|fanout|chain]
//       [--layers N] [--shape DxD..] [--dtype T] [--sparse] [--text]
//       [--emit-bytecode-version V] [--seed S] [--external-group NAME]
//       [--loc-style jax|torch|none] [transformer sizes] [-v]
//
// The models (the IR and its locations are built in GenModelIR.cpp):
//  - weights (default): `func.func @forward` chaining N
//    `dense_resource<layer{i}.weight>` weights of one shape;
//  - transformer: a Llama-style decoder in func/arith/math/tensor/linalg with
//    checkpoint-keyed weights (`model.layers.3.self_attn.q_proj.weight`) and
//    JAX- or PyTorch-style location scopes;
//  - fanout / chain: one value with --users users; --length ops in a chain.
//
// How: the IR is built by parsing a generated text with MLIR, with the
// resources only *declared* (no blob attached), and MLIR's own writer emits
// the bytecode into a small memory buffer. For a declared dialect resource the
// writer emits an entry with empty data in the resource sections (the reader
// treats that as a declaration). This tool then copies every top-level section
// of that buffer verbatim, except the ResourceOffset (6) and Resource (5)
// sections, which it re-emits so that each declared weight becomes a real blob
// of numElements * elementBytes bytes. The blob bytes are streamed to the file
// in chunks (or skipped entirely with --sparse, leaving holes that read as
// zeros), so a 100 GiB model never needs 100 GiB of memory. Text output is
// MLIR's printing of the module followed by a `{-# dialect_resources #-}`
// section this tool writes, hex-encoded, in chunks.
//
// Layout notes (see mlir/lib/Bytecode/{Reader,Writer} and BytecodeFormat.md):
//  - The Resource section is written with the aligned-section flag and an
//    alignment A >= every blob alignment. Its data therefore starts at an
//    absolute file offset that is a multiple of A, so the padding in front of
//    each blob (which the reader computes from the absolute address) equals the
//    padding computed from the start of the section. That makes every entry
//    size independent of where the section lands in the file, and the
//    ResourceOffset section (which precedes it) can be computed first.
//  - Any other section that carried the aligned flag gets its padding
//    recomputed for its new offset; unaligned sections are copied byte for
//    byte, header included.
//
// This tool links MLIR and LLVM only (not MLIRScopeCore).
//
//===----------------------------------------------------------------------===//

#include "GenModel.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Bytecode/Encoding.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Parser/Parser.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace genmodel;

namespace {

/// The temporary output, removed if we fail half-way.
std::string gTmpPath;

const DType kDTypes[] = {
    {"f32", "f32", 4, Gen::F32, Chain::AddF},
    {"f16", "f16", 2, Gen::F16, Chain::AddF},
    {"bf16", "bf16", 2, Gen::BF16, Chain::AddF},
    {"f64", "f64", 8, Gen::F64, Chain::AddF},
    {"i1", "i1", 1, Gen::Bool, Chain::AddI},
    {"i8", "i8", 1, Gen::Int, Chain::AddI},
    {"i16", "i16", 2, Gen::Int, Chain::AddI},
    {"i32", "i32", 4, Gen::Int, Chain::AddI},
    {"i64", "i64", 8, Gen::Int, Chain::AddI},
    // arith integer ops take signless integers only, and complex.add takes
    // scalars only: chain those with arith.select, which takes any type.
    {"ui8", "ui8", 1, Gen::Int, Chain::Select},
    {"complex<f32>", "complex<f32>", 8, Gen::ComplexF32, Chain::Select},
};

} // namespace

void genmodel::fatal(const llvm::Twine &msg) {
  llvm::errs() << "mlirscope-genmodel: error: " << msg << "\n";
  if (!gTmpPath.empty())
    ::unlink(gTmpPath.c_str());
  std::exit(1);
}

const DType *genmodel::lookupDType(llvm::StringRef name) {
  if (name == "complex-f32" || name == "complex_f32" || name == "c64")
    name = "complex<f32>";
  for (const DType &d : kDTypes)
    if (name == d.name)
      return &d;
  return nullptr;
}

namespace {

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

void usage(llvm::raw_ostream &os) {
  os << "usage: mlirscope-genmodel -o OUT [--model M] [--layers N]"
        " [--shape DxDx..] [--dtype T]\n"
        "                          [--sparse] [--text]"
        " [--emit-bytecode-version V] [--seed S]\n"
        "                          [--external-group NAME]"
        " [--loc-style jax|torch|none] [-v]\n"
        "                          [--hidden N] [--intermediate N] [--heads N]"
        " [--kv-heads N]\n"
        "                          [--vocab N] [--seq N] [--users N]"
        " [--length N]\n"
        "\n"
        "Writes an MLIR model (bytecode, or text with --text) whose weights\n"
        "are dense_resource blobs.\n"
        "\n"
        "  -o FILE                   output file (written to FILE.tmp, renamed)\n"
        "  --model M                 weights (default): func.func @forward\n"
        "                            chaining N `layer{i}.weight` weights of\n"
        "                            --shape; transformer: a Llama-style decoder\n"
        "                            of N layers in func/arith/math/tensor/linalg;\n"
        "                            fanout: one value with --users users;\n"
        "                            chain: --length ops in a chain\n"
        "  --layers N                weights or decoder layers (default 1)\n"
        "  --shape DxD..             weights/fanout/chain tensor shape, e.g.\n"
        "                            1024x1024 (default 4x4; 'scalar' for 0-d)\n"
        "  --dtype T                 f32 f16 bf16 f64 i1 i8 i16 i32 i64 ui8\n"
        "                            complex<f32> (or complex-f32); default f32;\n"
        "                            transformer, fanout, chain: floats only\n"
        "  --sparse                  leave blob bytes as holes (read as zeros;\n"
        "                            with --text, zeros are written)\n"
        "  --text                    write MLIR text instead of bytecode\n"
        "  --inline                  weights as inline elements attributes\n"
        "                            (text: dense<\"0x...\">, TFLite-style;\n"
        "                            bytecode: raw data in the IR), not blobs\n"
        "  --emit-bytecode-version V 0.." << mlir::bytecode::kVersion
     << " (default " << mlir::bytecode::kVersion << ")\n"
        "  --seed S                  seed of the pseudo-random blob values\n"
        "  --external-group NAME     also emit external resource group NAME\n"
        "                            with a 16-byte blob `ext.blob`\n"
        "  --loc-style S             jax: NameLoc(\"jit(main)/transformer/\n"
        "                            layer_3/attn/dot_general\", file:line:col);\n"
        "                            torch: NameLoc(\"model.layers.3.self_attn\n"
        "                            .q_proj\", callsite(file:line:0 ...));\n"
        "                            none: loc(unknown). Default jax, except for\n"
        "                            the weights model (MLIR parser locations)\n"
        "  --hidden N                transformer hidden size (default 64)\n"
        "  --intermediate N          MLP size (default 176)\n"
        "  --heads N                 attention heads (default 4)\n"
        "  --kv-heads N              key/value heads (default: --heads)\n"
        "  --vocab N                 vocabulary (default 256)\n"
        "  --seq N                   sequence length (default 8)\n"
        "  --users N                 fanout: users of the value (default 10000)\n"
        "  --length N                chain: ops in the chain (default 100000)\n"
        "  -v                        print the layout of the written file\n"
        "\n"
        "Examples:\n"
        "  # 1,000 layers (~90k ops at function level), ~100 GB of bf16 holes\n"
        "  mlirscope-genmodel -o big.mlirbc --model transformer --layers 1000 \\\n"
        "      --hidden 2048 --intermediate 5632 --heads 32 --vocab 32000 \\\n"
        "      --seq 128 --dtype bf16 --sparse\n"
        "  # Llama-3-70B's shapes (141 GB, as its checkpoint), torch locations\n"
        "  mlirscope-genmodel -o 70b.mlirbc --model transformer --layers 80 \\\n"
        "      --hidden 8192 --intermediate 28672 --heads 64 --kv-heads 8 \\\n"
        "      --vocab 128256 --dtype bf16 --sparse --loc-style torch\n";
}

uint64_t parseUInt(llvm::StringRef opt, llvm::StringRef value) {
  uint64_t v;
  if (value.getAsInteger(0, v))
    fatal("invalid value '" + value + "' for " + opt);
  return v;
}

Options parseArgs(int argc, char **argv) {
  Options o;
  o.version = mlir::bytecode::kVersion;
  bool versionGiven = false, shapeGiven = false;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    llvm::StringRef name = arg, value;
    bool hasInlineValue = false;
    if (arg.starts_with("--") && arg.contains('=')) {
      std::tie(name, value) = arg.split('=');
      hasInlineValue = true;
    }
    auto next = [&]() -> llvm::StringRef {
      if (hasInlineValue)
        return value;
      if (i + 1 >= argc)
        fatal("missing value for " + name);
      return argv[++i];
    };
    // Both -flag and --flag.
    llvm::StringRef flag = name;
    if (flag.starts_with("--"))
      flag = flag.drop_front(2);
    else if (flag.starts_with("-"))
      flag = flag.drop_front(1);
    if (flag == "h" || flag == "help") {
      usage(llvm::outs());
      std::exit(0);
    } else if (flag == "o" || flag == "output") {
      o.output = next().str();
    } else if (flag == "model") {
      llvm::StringRef m = next();
      if (m == "weights")
        o.model = ModelKind::Weights;
      else if (m == "transformer")
        o.model = ModelKind::Transformer;
      else if (m == "fanout")
        o.model = ModelKind::FanOut;
      else if (m == "chain")
        o.model = ModelKind::Chain;
      else
        fatal("unknown model '" + m +
              "' (weights, transformer, fanout or chain)");
    } else if (flag == "layers") {
      o.layers = parseUInt(name, next());
    } else if (flag == "shape") {
      llvm::StringRef s = next();
      shapeGiven = true;
      o.shape.clear();
      if (s != "scalar" && !s.empty()) {
        llvm::SmallVector<llvm::StringRef> dims;
        s.split(dims, 'x');
        for (llvm::StringRef d : dims)
          o.shape.push_back(parseUInt(name, d));
      }
    } else if (flag == "dtype") {
      llvm::StringRef d = next();
      o.dtype = lookupDType(d);
      if (!o.dtype)
        fatal("unknown dtype '" + d + "'");
    } else if (flag == "sparse") {
      o.sparse = true;
    } else if (flag == "text") {
      o.text = true;
    } else if (flag == "inline") {
      o.inlineWeights = true;
    } else if (flag == "emit-bytecode-version") {
      o.version = parseUInt(name, next());
      versionGiven = true;
      if (o.version < mlir::bytecode::kMinSupportedVersion ||
          o.version > mlir::bytecode::kVersion)
        fatal("bytecode version must be in [" +
              llvm::Twine(int(mlir::bytecode::kMinSupportedVersion)) + ", " +
              llvm::Twine(int(mlir::bytecode::kVersion)) + "]");
    } else if (flag == "seed") {
      o.seed = parseUInt(name, next());
    } else if (flag == "external-group") {
      o.externalGroup = next().str();
      if (o.externalGroup.empty())
        fatal("--external-group needs a non-empty name");
    } else if (flag == "loc-style") {
      llvm::StringRef st = next();
      o.locStyleGiven = true;
      if (st == "jax")
        o.locStyle = LocStyle::Jax;
      else if (st == "torch")
        o.locStyle = LocStyle::Torch;
      else if (st == "none")
        o.locStyle = LocStyle::None;
      else
        fatal("unknown location style '" + st + "' (jax, torch or none)");
    } else if (flag == "hidden") {
      o.hidden = parseUInt(name, next());
    } else if (flag == "intermediate") {
      o.intermediate = parseUInt(name, next());
    } else if (flag == "heads") {
      o.heads = parseUInt(name, next());
    } else if (flag == "kv-heads") {
      o.kvHeads = parseUInt(name, next());
    } else if (flag == "vocab") {
      o.vocab = parseUInt(name, next());
    } else if (flag == "seq") {
      o.seqLen = parseUInt(name, next());
    } else if (flag == "users") {
      o.users = parseUInt(name, next());
    } else if (flag == "length") {
      o.length = parseUInt(name, next());
    } else if (name == "-v" || name == "--verbose") {
      o.verbose = true;
    } else {
      fatal("unknown argument '" + arg + "' (see --help)");
    }
  }
  if (o.output.empty())
    fatal("no output file given (-o FILE)");
  if (!o.dtype)
    o.dtype = &kDTypes[0];
  if (o.text && versionGiven)
    fatal("--emit-bytecode-version applies to bytecode, not --text");
  if (o.model == ModelKind::Weights) {
    if (!o.locStyleGiven)
      o.locStyle = LocStyle::Source;
    return o;
  }
  if (o.dtype->gen != Gen::F32 && o.dtype->gen != Gen::F16 &&
      o.dtype->gen != Gen::BF16 && o.dtype->gen != Gen::F64)
    fatal("--model other than weights takes a float --dtype (f32, f16, bf16 "
          "or f64)");
  if (o.model == ModelKind::Transformer) {
    if (shapeGiven)
      fatal("--shape does not apply to the transformer (see --hidden...)");
    uint64_t kv = o.kvHeads ? o.kvHeads : o.heads;
    if (!o.hidden || !o.heads || !o.intermediate || !o.vocab || !o.seqLen ||
        !kv)
      fatal("transformer sizes must be positive");
    if (o.hidden % o.heads || (o.hidden / o.heads) % 2)
      fatal("--hidden must be --heads times an even head size");
    if (o.heads % kv)
      fatal("--heads must be a multiple of --kv-heads");
  }
  return o;
}

//===----------------------------------------------------------------------===//
// Varints and a bounds-checked reader over the MLIR-written buffer
//===----------------------------------------------------------------------===//

unsigned varIntSize(uint64_t v) {
  for (unsigned n = 1; n < 9; ++n)
    if ((v >> (7 * n)) == 0)
      return n;
  return 9;
}

void appendVarInt(std::string &out, uint64_t v) {
  unsigned n = varIntSize(v);
  if (n == 9) {
    out.push_back(0);
    for (int i = 0; i < 8; ++i)
      out.push_back(char((v >> (8 * i)) & 0xFF));
    return;
  }
  uint64_t enc = ((v << 1) | 1) << (n - 1);
  for (unsigned i = 0; i < n; ++i)
    out.push_back(char((enc >> (8 * i)) & 0xFF));
}

uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

struct Reader {
  llvm::StringRef buf;
  uint64_t pos;
  uint64_t end;
  const char *what;

  Reader(llvm::StringRef buf, uint64_t begin, uint64_t end, const char *what)
      : buf(buf), pos(begin), end(end), what(what) {}

  bool empty() const { return pos >= end; }
  [[noreturn]] void bad(const llvm::Twine &msg) const {
    fatal("unexpected MLIR bytecode (" + llvm::Twine(what) + " at offset " +
          llvm::Twine(pos) + "): " + msg);
  }
  uint8_t byte() {
    if (pos >= end)
      bad("truncated");
    return uint8_t(buf[pos++]);
  }
  uint64_t varInt() {
    uint8_t first = byte();
    if (first & 1)
      return first >> 1;
    if (first == 0) {
      uint64_t v = 0;
      for (int i = 0; i < 8; ++i)
        v |= uint64_t(byte()) << (8 * i);
      return v;
    }
    unsigned extra = __builtin_ctz(first);
    uint64_t v = first;
    for (unsigned i = 1; i <= extra; ++i)
      v |= uint64_t(byte()) << (8 * i);
    return v >> (extra + 1);
  }
  void skip(uint64_t n) {
    if (n > end - pos)
      bad("truncated");
    pos += n;
  }
};

//===----------------------------------------------------------------------===//
// Output with chunked writes and sparse holes
//===----------------------------------------------------------------------===//

class Output {
public:
  explicit Output(const std::string &path) : path(path) {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
      fatal("cannot create '" + path + "': " + std::strerror(errno));
    buffer.reserve(kBufferSize);
  }
  ~Output() {
    if (fd >= 0)
      ::close(fd);
  }

  uint64_t offset() const { return pos; }

  void write(const void *data, size_t size) {
    const char *p = static_cast<const char *>(data);
    while (size) {
      size_t n = std::min(size, kBufferSize - buffer.size());
      buffer.append(p, n);
      p += n;
      size -= n;
      pos += n;
      if (buffer.size() == kBufferSize)
        flush();
    }
  }
  void write(llvm::StringRef s) { write(s.data(), s.size()); }
  void writeByte(uint8_t b) { write(&b, 1); }
  void writeVarInt(uint64_t v) {
    std::string s;
    appendVarInt(s, v);
    write(s);
  }
  void pad(uint64_t alignment) {
    uint64_t n = alignUp(pos, alignment) - pos;
    static const std::string kPad(64, char(mlir::bytecode::kAlignmentByte));
    while (n) {
      uint64_t c = std::min<uint64_t>(n, kPad.size());
      write(kPad.data(), c);
      n -= c;
    }
  }
  /// Leaves a hole of `n` bytes (reads as zeros).
  void hole(uint64_t n) {
    flush();
    if (::lseek(fd, off_t(n), SEEK_CUR) < 0)
      fatal("lseek on '" + path + "': " + std::strerror(errno));
    pos += n;
  }
  /// Direct write of a large chunk (bypasses the buffer).
  void writeChunk(const char *p, size_t size) {
    flush();
    writeAll(p, size);
    pos += size;
  }
  void finish() {
    flush();
    // The file may end in a hole; give it its full size.
    if (::ftruncate(fd, off_t(pos)) != 0)
      fatal("ftruncate on '" + path + "': " + std::strerror(errno));
    if (::close(fd) != 0)
      fatal("close on '" + path + "': " + std::strerror(errno));
    fd = -1;
  }

private:
  static constexpr size_t kBufferSize = 1 << 20;
  void flush() {
    writeAll(buffer.data(), buffer.size());
    buffer.clear();
  }
  void writeAll(const char *p, size_t size) {
    while (size) {
      ssize_t n = ::write(fd, p, size);
      if (n < 0) {
        if (errno == EINTR)
          continue;
        fatal("write to '" + path + "': " + std::strerror(errno));
      }
      p += n;
      size -= size_t(n);
    }
  }

  std::string path;
  int fd = -1;
  std::string buffer;
  uint64_t pos = 0;
};

//===----------------------------------------------------------------------===//
// Blob values
//===----------------------------------------------------------------------===//

uint64_t splitmix64(uint64_t &state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// Uniform in [-1, 1) from 23 random bits.
inline float unitFloat(uint64_t r) {
  uint32_t bits = 0x3F800000u | uint32_t(r >> 41);
  float f;
  std::memcpy(&f, &bits, 4);
  return (f - 1.5f) * 2.0f;
}

inline uint16_t floatToHalfBits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint16_t sign = uint16_t((x >> 16) & 0x8000);
  int exp = int((x >> 23) & 0xFF) - 127 + 15;
  if (exp <= 0) // |f| < 2^-14: flush to (signed) zero
    return sign;
  if (exp >= 31) // not reached for |f| <= 1
    return uint16_t(sign | 0x7BFF);
  return uint16_t(sign | (exp << 10) | ((x & 0x7FFFFF) >> 13));
}

/// Fills `out` (a whole number of elements) with values for `dtype`.
void fillValues(const DType &dtype, uint64_t &state, char *out, size_t size) {
  switch (dtype.gen) {
  case Gen::F32:
  case Gen::ComplexF32:
    for (size_t i = 0; i < size; i += 4) {
      float f = unitFloat(splitmix64(state));
      std::memcpy(out + i, &f, 4);
    }
    return;
  case Gen::F16:
    for (size_t i = 0; i < size; i += 2) {
      uint16_t h = floatToHalfBits(unitFloat(splitmix64(state)));
      std::memcpy(out + i, &h, 2);
    }
    return;
  case Gen::BF16:
    for (size_t i = 0; i < size; i += 2) {
      float f = unitFloat(splitmix64(state));
      uint32_t x;
      std::memcpy(&x, &f, 4);
      uint16_t h = uint16_t(x >> 16);
      std::memcpy(out + i, &h, 2);
    }
    return;
  case Gen::F64:
    for (size_t i = 0; i < size; i += 8) {
      uint64_t bits = 0x3FF0000000000000ull | (splitmix64(state) >> 12);
      double d;
      std::memcpy(&d, &bits, 8);
      d = (d - 1.5) * 2.0;
      std::memcpy(out + i, &d, 8);
    }
    return;
  case Gen::Bool:
    for (size_t i = 0; i < size; ++i)
      out[i] = char(splitmix64(state) & 1);
    return;
  case Gen::Int: {
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
      uint64_t r = splitmix64(state);
      std::memcpy(out + i, &r, 8);
    }
    if (i < size) {
      uint64_t r = splitmix64(state);
      std::memcpy(out + i, &r, size - i);
    }
    return;
  }
  }
}

/// Calls `sink` with the `size` bytes of weight `w`, in pieces of at most
/// `chunk.size()` bytes (zeros with --sparse, as the holes read).
template <typename Sink>
void streamValues(const Options &o, const Weight &w, uint64_t size,
                  std::vector<char> &chunk, Sink sink) {
  if (o.sparse) {
    std::fill(chunk.begin(), chunk.end(), 0);
    for (uint64_t left = size; left;) {
      size_t n = size_t(std::min<uint64_t>(left, chunk.size()));
      sink(chunk.data(), n);
      left -= n;
    }
    return;
  }
  // Independent stream per (seed, weight), whatever the chunking.
  uint64_t k = w.stream;
  uint64_t state = o.seed ^ splitmix64(k);
  state = splitmix64(state);
  for (uint64_t left = size; left;) {
    size_t n = size_t(std::min<uint64_t>(left, chunk.size()));
    fillValues(*o.dtype, state, chunk.data(), n);
    sink(chunk.data(), n);
    left -= n;
  }
}

//===----------------------------------------------------------------------===//
// Rewriting the resource sections
//===----------------------------------------------------------------------===//

struct Section {
  uint8_t id;
  bool aligned;
  uint64_t alignment = 1;
  uint64_t headerBegin; // offset of the id byte
  uint64_t dataBegin;
  uint64_t dataSize;
};

struct ResourceEntry {
  uint64_t keyIndex;
  uint8_t kind;
  uint64_t origOffset; // within the original Resource section data
  uint64_t origSize;
  // New layout, relative to the start of the new Resource section data.
  enum class Action { Copy, CopyBlob, NewBlob } action = Action::Copy;
  uint64_t blobAlign = 1, blobSize = 0;
  uint64_t blobDataOrigOffset = 0; // CopyBlob: absolute offset in the buffer
  const Weight *weight = nullptr;  // NewBlob
  uint64_t newSize = 0;
};

struct ResourceGroup {
  bool external;
  uint64_t key; // string index (external) or dialect index
  std::vector<ResourceEntry> entries;
};

/// The tensor type of the weights model's weights.
std::string weightTypeText(const Options &o) {
  std::string t = "tensor<";
  for (uint64_t d : o.shape)
    t += std::to_string(d) + "x";
  return t + o.dtype->mlir + ">";
}

std::string fmtSize(uint64_t n) {
  char buf[64];
  if (n >= (1ull << 30))
    std::snprintf(buf, sizeof(buf), "%llu (%.2f GiB)", (unsigned long long)n,
                  double(n) / double(1ull << 30));
  else if (n >= (1ull << 20))
    std::snprintf(buf, sizeof(buf), "%llu (%.2f MiB)", (unsigned long long)n,
                  double(n) / double(1ull << 20));
  else
    std::snprintf(buf, sizeof(buf), "%llu", (unsigned long long)n);
  return buf;
}

void writeModel(const Options &o, const std::vector<Weight> &weights,
                llvm::StringRef bc, const std::string &path) {
  // --- Header and top-level sections of the MLIR-written buffer.
  Reader r(bc, 0, bc.size(), "header");
  if (!bc.starts_with("ML\xEFR"))
    r.bad("missing magic");
  r.skip(4);
  uint64_t version = r.varInt();
  size_t nul = bc.find('\0', r.pos);
  if (nul == llvm::StringRef::npos)
    r.bad("unterminated producer");
  r.pos = nul + 1;
  uint64_t headerEnd = r.pos;

  std::vector<Section> sections;
  std::optional<size_t> stringIdx, resIdx, resOffIdx;
  r.what = "section header";
  while (!r.empty()) {
    Section s;
    s.headerBegin = r.pos;
    uint8_t code = r.byte();
    s.id = code & 0x7F;
    s.aligned = code & 0x80;
    s.dataSize = r.varInt();
    if (s.aligned) {
      s.alignment = r.varInt();
      if (!s.alignment || (s.alignment & (s.alignment - 1)))
        r.bad("bad section alignment");
      while (r.pos % s.alignment)
        if (r.byte() != mlir::bytecode::kAlignmentByte)
          r.bad("bad alignment byte");
    }
    s.dataBegin = r.pos;
    r.skip(s.dataSize);
    if (s.id == mlir::bytecode::Section::kString)
      stringIdx = sections.size();
    else if (s.id == mlir::bytecode::Section::kResource)
      resIdx = sections.size();
    else if (s.id == mlir::bytecode::Section::kResourceOffset)
      resOffIdx = sections.size();
    sections.push_back(s);
  }
  if (!stringIdx)
    fatal("MLIR wrote no string section");
  if (bool(resIdx) != bool(resOffIdx))
    fatal("MLIR wrote only one of the resource sections");

  // --- String table (sizes are listed last string first; data at the end).
  std::vector<llvm::StringRef> strings;
  {
    const Section &s = sections[*stringIdx];
    Reader sr(bc, s.dataBegin, s.dataBegin + s.dataSize, "string section");
    uint64_t count = sr.varInt();
    strings.resize(count);
    uint64_t dataEnd = s.dataBegin + s.dataSize;
    for (uint64_t i = count; i-- > 0;) {
      uint64_t size = sr.varInt();
      if (size == 0 || size > dataEnd - s.dataBegin)
        sr.bad("bad string size");
      dataEnd -= size;
      strings[i] = bc.substr(dataEnd, size - 1);
    }
    if (sr.pos != dataEnd)
      sr.bad("trailing bytes between string sizes and data");
  }
  auto str = [&](uint64_t idx) -> llvm::StringRef {
    if (idx >= strings.size())
      fatal("string index out of range in the resource offset section");
    return strings[idx];
  };

  // --- Resource groups.
  std::vector<ResourceGroup> groups;
  uint64_t resDataBegin = 0;
  if (resOffIdx) {
    const Section &off = sections[*resOffIdx];
    const Section &res = sections[*resIdx];
    resDataBegin = res.dataBegin;
    Reader orr(bc, off.dataBegin, off.dataBegin + off.dataSize,
               "resource offset section");
    uint64_t numExternal = orr.varInt();
    uint64_t cursor = 0;
    auto readGroup = [&](bool external) {
      ResourceGroup g;
      g.external = external;
      g.key = orr.varInt();
      uint64_t n = orr.varInt();
      for (uint64_t i = 0; i < n; ++i) {
        ResourceEntry e;
        e.keyIndex = orr.varInt();
        e.origSize = orr.varInt();
        e.kind = orr.byte();
        e.origOffset = cursor;
        cursor += e.origSize;
        if (cursor > res.dataSize)
          orr.bad("resource entries overrun the resource section");
        g.entries.push_back(e);
      }
      groups.push_back(std::move(g));
    };
    for (uint64_t i = 0; i < numExternal; ++i)
      readGroup(true);
    while (!orr.empty())
      readGroup(false);
  }

  // --- Decide what each entry becomes.
  uint64_t elemBytes = o.dtype->bytes;
  uint64_t weightAlign = elemBytes; // 1, 2, 4 or 8
  llvm::StringMap<const Weight *> weightOfKey;
  uint64_t maxWeightBytes = 0, totalWeightBytes = 0;
  for (const Weight &w : weights) {
    uint64_t n = w.numElements();
    if (n && elemBytes > UINT64_MAX / n)
      fatal("shape too large");
    maxWeightBytes = std::max(maxWeightBytes, n * elemBytes);
    totalWeightBytes += n * elemBytes;
    if (!weightOfKey.try_emplace(w.key, &w).second)
      fatal("internal error: two weights named '" + w.key + "'");
  }

  uint64_t sectionAlign = 1;
  uint64_t rel = 0; // offset within the new Resource section data
  uint64_t numNewBlobs = 0;
  for (ResourceGroup &g : groups) {
    for (ResourceEntry &e : g.entries) {
      auto it = weightOfKey.find(str(e.keyIndex));
      if (!g.external && e.origSize == 0 &&
          e.kind == uint8_t(mlir::AsmResourceEntryKind::Blob) &&
          it != weightOfKey.end()) {
        e.action = ResourceEntry::Action::NewBlob;
        e.weight = it->second;
        e.blobAlign = weightAlign;
        e.blobSize = it->second->numElements() * elemBytes;
        weightOfKey.erase(it);
        ++numNewBlobs;
      } else if (e.origSize &&
                 e.kind == uint8_t(mlir::AsmResourceEntryKind::Blob)) {
        // A blob MLIR wrote itself (e.g. the external group): re-pad it.
        Reader er(bc, resDataBegin + e.origOffset,
                  resDataBegin + e.origOffset + e.origSize, "resource blob");
        e.blobAlign = er.varInt();
        e.blobSize = er.varInt();
        if (!e.blobAlign || (e.blobAlign & (e.blobAlign - 1)))
          er.bad("bad blob alignment");
        while (er.pos % e.blobAlign)
          if (er.byte() != mlir::bytecode::kAlignmentByte)
            er.bad("bad alignment byte");
        e.blobDataOrigOffset = er.pos;
        er.skip(e.blobSize);
        if (!er.empty())
          er.bad("trailing bytes in blob entry");
        e.action = ResourceEntry::Action::CopyBlob;
      } else {
        e.action = ResourceEntry::Action::Copy;
        e.newSize = e.origSize;
        rel += e.newSize;
        continue;
      }
      sectionAlign = std::max(sectionAlign, e.blobAlign);
      uint64_t head = varIntSize(e.blobAlign) + varIntSize(e.blobSize);
      uint64_t dataAt = alignUp(rel + head, e.blobAlign);
      e.newSize = dataAt + e.blobSize - rel;
      rel += e.newSize;
    }
  }
  if (!weightOfKey.empty())
    fatal("MLIR did not declare resource '" + weightOfKey.begin()->getKey() +
          "' in the bytecode");
  uint64_t newResSize = rel;

  // --- The new ResourceOffset section.
  std::string offsetData;
  {
    uint64_t numExternal = 0;
    for (const ResourceGroup &g : groups)
      numExternal += g.external;
    appendVarInt(offsetData, numExternal);
    for (const ResourceGroup &g : groups) {
      appendVarInt(offsetData, g.key);
      appendVarInt(offsetData, g.entries.size());
      for (const ResourceEntry &e : g.entries) {
        appendVarInt(offsetData, e.keyIndex);
        appendVarInt(offsetData, e.newSize);
        offsetData.push_back(char(e.kind));
      }
    }
  }

  // --- Write the file.
  auto start = std::chrono::steady_clock::now();
  Output out(path);
  out.write(bc.substr(0, headerEnd));
  std::vector<char> chunk;
  if (!o.sparse && numNewBlobs && maxWeightBytes)
    chunk.resize(std::min<uint64_t>(maxWeightBytes, 4u << 20));
  llvm::SmallVector<std::string> layout;
  auto note = [&](const Section &s, uint64_t at, uint64_t size,
                  uint64_t align) {
    if (!o.verbose)
      return;
    std::string line;
    llvm::raw_string_ostream os(line);
    os << "  section " << unsigned(s.id) << ": header at " << at
       << ", data at " << out.offset() - size << ", " << size << " bytes";
    if (align > 1)
      os << ", aligned to " << align;
    layout.push_back(line);
  };

  for (const Section &s : sections) {
    if (resIdx && &s == &sections[*resOffIdx]) {
      uint64_t at = out.offset();
      out.writeByte(s.id);
      out.writeVarInt(offsetData.size());
      out.write(offsetData);
      note(s, at, offsetData.size(), 1);
      continue;
    }
    if (resIdx && &s == &sections[*resIdx]) {
      uint64_t at = out.offset();
      out.writeByte(s.id | 0x80);
      out.writeVarInt(newResSize);
      out.writeVarInt(sectionAlign);
      out.pad(sectionAlign);
      uint64_t base = out.offset();
      for (const ResourceGroup &g : groups) {
        for (const ResourceEntry &e : g.entries) {
          switch (e.action) {
          case ResourceEntry::Action::Copy:
            out.write(bc.substr(resDataBegin + e.origOffset, e.origSize));
            break;
          case ResourceEntry::Action::CopyBlob:
            out.writeVarInt(e.blobAlign);
            out.writeVarInt(e.blobSize);
            out.pad(e.blobAlign);
            out.write(bc.substr(e.blobDataOrigOffset, e.blobSize));
            break;
          case ResourceEntry::Action::NewBlob: {
            out.writeVarInt(e.blobAlign);
            out.writeVarInt(e.blobSize);
            out.pad(e.blobAlign);
            if (o.sparse) {
              out.hole(e.blobSize);
              break;
            }
            streamValues(o, *e.weight, e.blobSize, chunk,
                         [&](const char *p, size_t n) {
                           out.writeChunk(p, n);
                         });
            break;
          }
          }
        }
      }
      if (out.offset() - base != newResSize)
        fatal("internal error: resource section size mismatch");
      note(s, at, newResSize, sectionAlign);
      continue;
    }
    uint64_t at = out.offset();
    if (!s.aligned) {
      // Header and data byte for byte.
      out.write(bc.substr(s.headerBegin, s.dataBegin + s.dataSize -
                                             s.headerBegin));
    } else {
      out.writeByte(s.id | 0x80);
      out.writeVarInt(s.dataSize);
      out.writeVarInt(s.alignment);
      out.pad(s.alignment);
      out.write(bc.substr(s.dataBegin, s.dataSize));
    }
    note(s, at, s.dataSize, s.alignment);
  }
  uint64_t total = out.offset();
  out.finish();
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                            start)
                  .count();

  if (o.verbose) {
    llvm::errs() << "mlirscope-genmodel: wrote " << o.output << "\n"
                 << "  bytecode version " << version << ", ";
    if (o.model == ModelKind::Weights)
      llvm::errs() << o.layers << " x " << weightTypeText(o) << " ("
                   << fmtSize(maxWeightBytes) << " bytes each";
    else
      llvm::errs() << weights.size() << " weights ("
                   << fmtSize(totalWeightBytes) << " bytes";
    llvm::errs() << (o.sparse ? ", sparse" : "") << ")\n"
                 << "  file size " << fmtSize(total) << " in "
                 << llvm::format("%.3f", secs) << " s\n";
    for (const std::string &l : layout)
      llvm::errs() << l << "\n";
  }
}

//===----------------------------------------------------------------------===//
// Text output
//===----------------------------------------------------------------------===//

/// Appends the hex digits of `size` bytes at `p` to `out`, as MLIR prints
/// blobs.
void appendHex(std::string &out, const char *p, size_t size) {
  static const char kDigits[] = "0123456789ABCDEF";
  size_t at = out.size();
  out.resize(at + 2 * size);
  for (size_t i = 0; i < size; ++i) {
    uint8_t b = uint8_t(p[i]);
    out[at + 2 * i] = kDigits[b >> 4];
    out[at + 2 * i + 1] = kDigits[b & 15];
  }
}

/// The blob of a text resource: "0x", the alignment as a little-endian
/// uint32, then the bytes.
std::string hexBlobPrefix(uint32_t alignment) {
  char a[4];
  for (int i = 0; i < 4; ++i)
    a[i] = char((alignment >> (8 * i)) & 0xFF);
  std::string s = "\"0x";
  appendHex(s, a, 4);
  return s;
}

void writeText(const Options &o, mlir::ModuleOp module,
               const std::vector<Weight> &weights, const std::string &path) {
  auto start = std::chrono::steady_clock::now();
  Output out(path);
  std::vector<char> chunk;
  std::string hex;
  uint64_t elemBytes = o.dtype->bytes;
  uint64_t irBytes = 0;
  {
    std::string s;
    llvm::raw_string_ostream os(s);
    mlir::OpPrintingFlags flags;
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
    module->print(os, flags);
    if (o.inlineWeights) {
      // Each `dense_resource<key>` becomes `dense<"0x...">`, the hex
      // streamed: the weights are never in memory whole.
      llvm::StringRef rest(s);
      chunk.resize(4u << 20);
      for (const Weight &w : weights) {
        std::string token = "dense_resource<" + w.key + ">";
        size_t at = rest.find(token);
        if (at == llvm::StringRef::npos)
          fatal("no " + token + " in the printed IR");
        out.write(rest.take_front(at).str());
        irBytes += at;
        out.write("dense<\"0x");
        streamValues(o, w, w.numElements() * elemBytes, chunk,
                     [&](const char *p, size_t n) {
                       hex.clear();
                       appendHex(hex, p, n);
                       out.write(hex);
                     });
        out.write("\">");
        rest = rest.drop_front(at + token.size());
      }
      out.write(rest.str());
      irBytes += rest.size();
      out.write("\n");
      out.finish();
      return;
    }
    out.write(s);
  }
  irBytes = out.offset();
  bool any = !weights.empty() || !o.externalGroup.empty();
  if (any)
    out.write("\n{-#\n");
  if (!weights.empty()) {
    out.write("  dialect_resources: {\n    builtin: {\n");
    uint64_t maxBytes = 0;
    for (const Weight &w : weights)
      maxBytes = std::max(maxBytes, w.numElements() * elemBytes);
    chunk.resize(std::min<uint64_t>(std::max<uint64_t>(maxBytes, 1), 4u << 20));
    for (size_t i = 0; i < weights.size(); ++i) {
      const Weight &w = weights[i];
      out.write("      " + w.key + ": " + hexBlobPrefix(uint32_t(elemBytes)));
      streamValues(o, w, w.numElements() * elemBytes, chunk,
                   [&](const char *p, size_t n) {
                     hex.clear();
                     appendHex(hex, p, n);
                     out.write(hex);
                   });
      out.write(i + 1 < weights.size() ? "\",\n" : "\"\n");
    }
    out.write("    }\n  }");
  }
  if (!o.externalGroup.empty()) {
    static const uint64_t kExtBlob[2] = {0x0706050403020100ull,
                                         0x0F0E0D0C0B0A0908ull};
    std::string blob = hexBlobPrefix(8);
    appendHex(blob, reinterpret_cast<const char *>(kExtBlob), 16);
    out.write(std::string(weights.empty() ? "" : ",\n") +
              "  external_resources: {\n    " + o.externalGroup +
              ": {\n      ext.blob: " + blob + "\"\n    }\n  }");
  }
  if (any)
    out.write("\n#-}\n");
  uint64_t total = out.offset();
  out.finish();
  if (o.verbose) {
    auto secs = std::chrono::duration<double>(
                    std::chrono::steady_clock::now() - start)
                    .count();
    llvm::errs() << "mlirscope-genmodel: wrote " << o.output << "\n"
                 << "  text, " << weights.size() << " weights\n"
                 << "  file size " << fmtSize(total) << " (IR "
                 << fmtSize(irBytes) << ") in " << llvm::format("%.3f", secs)
                 << " s\n";
  }
}

/// Bytecode whose weights are raw data in the IR (builtin
/// DenseIntOrFPElementsAttr), as MLIR writes inline constants: each
/// `dense_resource` becomes the elements themselves. The weights are in
/// memory once, as MLIR holds them.
void writeInlineBytecode(const Options &o, mlir::ModuleOp module,
                         const std::vector<Weight> &weights,
                         const std::string &path) {
  if (o.dtype->bytes == 1 && o.dtype->mlir == "i1")
    fatal("--inline bytecode of i1 weights is not supported (MLIR packs "
          "them into bits)");
  llvm::StringMap<const Weight *> byKey;
  for (const Weight &w : weights)
    byKey[w.key] = &w;
  std::vector<char> chunk(4u << 20);
  module->walk([&](mlir::Operation *op) {
    for (mlir::NamedAttribute a : op->getAttrs()) {
      auto res = llvm::dyn_cast<mlir::DenseResourceElementsAttr>(a.getValue());
      if (!res)
        continue;
      auto it = byKey.find(res.getRawHandle().getKey());
      if (it == byKey.end())
        continue;
      const Weight &w = *it->second;
      std::vector<char> data;
      data.reserve(w.numElements() * o.dtype->bytes);
      streamValues(o, w, w.numElements() * o.dtype->bytes, chunk,
                   [&](const char *p, size_t n) {
                     data.insert(data.end(), p, p + n);
                   });
      op->setAttr(a.getName(),
                  mlir::DenseElementsAttr::getFromRawBuffer(res.getType(),
                                                            data));
    }
  });
  mlir::BytecodeWriterConfig config("mlirscope-genmodel");
  config.setDesiredBytecodeVersion(o.version);
  Output out(path);
  std::string bc;
  llvm::raw_string_ostream os(bc);
  if (mlir::failed(mlir::writeBytecodeToFile(module.getOperation(), os, config)))
    fatal("MLIR could not write bytecode version " + llvm::Twine(o.version));
  out.write(bc);
  out.finish();
}

} // namespace

int main(int argc, char **argv) {
  Options o = parseArgs(argc, argv);
  auto start = std::chrono::steady_clock::now();
  auto lap = [&](const char *what) {
    if (!o.verbose)
      return;
    llvm::errs() << "mlirscope-genmodel: " << what << " after "
                 << llvm::format("%.3f", std::chrono::duration<double>(
                                             std::chrono::steady_clock::now() -
                                             start)
                                             .count())
                 << " s\n";
  };

  mlir::DialectRegistry registry;
  registry.insert<mlir::func::FuncDialect, mlir::arith::ArithDialect,
                  mlir::math::MathDialect, mlir::tensor::TensorDialect,
                  mlir::linalg::LinalgDialect>();
  mlir::MLIRContext ctx(registry, mlir::MLIRContext::Threading::DISABLED);
  ctx.loadAllAvailableDialects();

  GeneratedIR ir = buildIR(o);
  lap("IR text built");
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(ir.text, mlir::ParserConfig(&ctx),
                                              "genmodel");
  if (!module)
    fatal("generated IR failed to parse" +
          (ir.text.size() < (64u << 10) ? ":\n" + ir.text : std::string()));
  lap("parsed and verified");
  applyLocations(*module, ir, o.locStyle);

  std::string tmp = o.output + ".tmp";
  gTmpPath = tmp;
  if (o.text) {
    writeText(o, *module, ir.weights, tmp);
  } else if (o.inlineWeights) {
    writeInlineBytecode(o, *module, ir.weights, tmp);
  } else {
    // The 16-byte blob of the optional external resource group.
    static const uint64_t kExtBlob[2] = {0x0706050403020100ull,
                                         0x0F0E0D0C0B0A0908ull};
    mlir::BytecodeWriterConfig config("mlirscope-genmodel");
    config.setDesiredBytecodeVersion(o.version);
    if (!o.externalGroup.empty()) {
      config.attachResourcePrinter(
          o.externalGroup, [](mlir::Operation *, mlir::AsmResourceBuilder &b) {
            b.buildBlob("ext.blob", llvm::ArrayRef<uint64_t>(kExtBlob));
          });
    }
    std::string bc;
    {
      llvm::raw_string_ostream os(bc);
      if (mlir::failed(mlir::writeBytecodeToFile(module->getOperation(), os,
                                                 config)))
        fatal("MLIR could not write bytecode version " +
              llvm::Twine(o.version));
    }
    lap("bytecode IR written");
    writeModel(o, ir.weights, bc, tmp);
  }
  if (std::rename(tmp.c_str(), o.output.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fatal("cannot rename '" + tmp + "' to '" + o.output +
          "': " + std::strerror(err));
  }
  lap("done");
  return 0;
}
