//===- GenModelIR.cpp - The IR of mlirscope-genmodel's models -------------===//
//
// Each model is written as MLIR text whose resources are only declared
// (`dense_resource<key>` without a `{-# dialect_resources #-}` entry), parsed
// by MLIR, and given its locations afterwards (`applyLocations`): every op
// written here is recorded with a location index, in the order a pre-order
// walk visits the parsed ops. Writing the locations after the parse keeps the
// text short and lets block arguments and the bodies MLIR builds for named
// linalg ops take their op's location, as in IR lowered by a real compiler.
//
// The transformer is a Llama-style decoder: token embedding (a gather), then
// per layer RMSNorm, q/k/v projections, rotary embedding, causal softmax
// attention (grouped heads when --kv-heads < --heads), the o projection, a
// residual add, RMSNorm, the gated MLP (SiLU(gate) * up, down) and a residual
// add; final RMSNorm and the LM head. Weights are keyed and shaped as in a
// Hugging Face checkpoint (`model.layers.3.self_attn.q_proj.weight`,
// [out, in]). Activations are [seq, hidden]; nothing is batched.
//
//===----------------------------------------------------------------------===//

#include "GenModel.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace genmodel;

uint64_t Weight::numElements() const {
  uint64_t n = 1;
  for (uint64_t d : shape) {
    if (d && n > UINT64_MAX / d)
      fatal("shape of '" + key + "' too large");
    n *= d;
  }
  return n;
}

namespace {

/// A hash that is the same in every run (llvm::hash_value may be seeded per
/// process).
uint64_t fnv1a(llvm::StringRef s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s)
    h = (h ^ uint8_t(c)) * 0x100000001b3ull;
  return h;
}

using Shape = std::vector<uint64_t>;
using Frames = std::vector<std::pair<const char *, unsigned>>;

// Source files of the stack traces in torch-style locations.
const char *const kLlama = "transformers/models/llama/modeling_llama.py";
const char *const kLinear = "torch/nn/modules/linear.py";
const char *const kSparse = "torch/nn/modules/sparse.py";
const char *const kFunctional = "torch/nn/functional.py";
const char *const kActivation = "torch/nn/modules/activation.py";
// The source file of JAX-style locations.
const char *const kJaxFile = "model.py";

/// Writes ops as text, one line each, recording each op's location.
class Emitter {
public:
  Emitter(GeneratedIR &ir, std::string elemType)
      : ir(ir), os(ir.text), elem(std::move(elemType)) {
    // Location 0 is the unknown location.
    ir.locs.emplace_back();
    ir.locs.back().unknown = true;
  }

  /// The scope following ops belong to. `jaxPath` is under `jit(main)/`;
  /// `torchFrames` are the stack-trace frames, outermost first.
  void scope(std::string jaxPath, std::string torchPath, Frames torchFrames,
             unsigned line) {
    cur.jaxPath = std::move(jaxPath);
    cur.torchPath = std::move(torchPath);
    cur.frames = std::move(torchFrames);
    cur.line = line;
    at("");
  }

  /// Following ops come from JAX primitive `prim` (empty: a file-only
  /// location, as for constants JAX does not name).
  void at(llvm::StringRef prim) {
    std::string key = cur.jaxPath;
    key += '\0';
    key += prim;
    key += '\0';
    key += cur.torchPath;
    for (auto &f : cur.frames)
      key += std::string("\0", 1) + f.first + ":" + std::to_string(f.second);
    auto [it, inserted] = locIndex.try_emplace(key, ir.locs.size());
    if (inserted) {
      LocSpec s;
      if (!prim.empty())
        s.jaxName = "jit(main)/" + cur.jaxPath + "/" + prim.str();
      s.jaxLine = cur.line;
      // A stable column per primitive, as if each were a call on the line.
      s.jaxCol = prim.empty() ? 1 : 5 + unsigned(fnv1a(prim) % 60);
      s.torchName = cur.torchPath;
      s.torchFrames = cur.frames;
      ir.locs.push_back(std::move(s));
    }
    curLoc = it->second;
  }

  /// Opens `module { func.func SIGNATURE {`, both at unknown locations (as
  /// JAX and torch-mlir write them).
  void begin(const llvm::Twine &signature) {
    os << "module {\n";
    ir.opLocs.emplace_back("builtin.module", 0);
    os << "  func.func " << signature << " {\n";
    ir.opLocs.emplace_back("func.func", 0);
  }
  void end() { os << "  }\n}\n"; }

  /// A fresh SSA name at function level.
  std::string value() { return "%v" + std::to_string(nextValue++); }

  /// Writes `text` (one op, or the header of a region op) as one line.
  void op(const char *name, const llvm::Twine &text) {
    os << indent << text << "\n";
    ir.opLocs.emplace_back(name, curLoc);
  }
  /// Raw line (block headers, closing braces).
  void raw(const llvm::Twine &text) { os << indent << text << "\n"; }
  void push() { indent += "  "; }
  void pop() { indent.resize(indent.size() - 2); }

  std::string type(const Shape &shape) const {
    std::string t = "tensor<";
    for (uint64_t d : shape)
      t += std::to_string(d) + "x";
    return t + elem + ">";
  }
  const std::string &elemType() const { return elem; }

  /// `arith.constant dense_resource<key>` of a new weight.
  std::string weight(const std::string &key, const Shape &shape) {
    std::string v = value();
    op("arith.constant", v + " = arith.constant dense_resource<" + key +
                             "> : " + type(shape));
    ir.weights.push_back({key, shape, uint64_t(ir.weights.size())});
    return v;
  }
  std::string empty(const Shape &shape) {
    std::string v = value();
    op("tensor.empty", v + " = tensor.empty() : " + type(shape));
    return v;
  }
  /// tensor.empty + linalg.fill with scalar `c`.
  std::string filled(const std::string &c, const Shape &shape) {
    std::string e = empty(shape);
    std::string v = value();
    op("linalg.fill", v + " = linalg.fill ins(" + c + " : " + elem +
                          ") outs(" + e + " : " + type(shape) + ") -> " +
                          type(shape));
    return v;
  }

  /// A linalg.generic: `ins` with their types and maps (the last map is the
  /// output's), the body as (op name, text) lines using %b0.. for the block
  /// arguments and %t0.. for body values, and the yielded values.
  struct Operand {
    std::string value, type, map;
  };
  std::string generic(unsigned numDims, const std::vector<Operand> &ins,
                      const std::vector<Operand> &outs,
                      const std::vector<bool> &reduction,
                      const std::vector<std::pair<const char *, std::string>>
                          &body,
                      const std::vector<std::string> &yields) {
    std::string v = value();
    std::string dims;
    for (unsigned i = 0; i < numDims; ++i)
      dims += (i ? ", d" : "d") + std::to_string(i);
    std::string s;
    llvm::raw_string_ostream ss(s);
    ss << v;
    if (outs.size() > 1)
      ss << ":" << outs.size();
    ss << " = linalg.generic {indexing_maps = [";
    bool first = true;
    for (const auto *list : {&ins, &outs})
      for (const Operand &x : *list) {
        ss << (first ? "" : ", ") << "affine_map<(" << dims << ") -> ("
           << x.map << ")>";
        first = false;
      }
    ss << "], iterator_types = [";
    for (unsigned i = 0; i < numDims; ++i)
      ss << (i ? ", " : "")
         << (reduction[i] ? "\"reduction\"" : "\"parallel\"");
    ss << "]}";
    auto list = [&](const char *kw, const std::vector<Operand> &xs) {
      if (xs.empty())
        return;
      ss << " " << kw << "(";
      for (size_t i = 0; i < xs.size(); ++i)
        ss << (i ? ", " : "") << xs[i].value;
      ss << " : ";
      for (size_t i = 0; i < xs.size(); ++i)
        ss << (i ? ", " : "") << xs[i].type;
      ss << ")";
    };
    list("ins", ins);
    list("outs", outs);
    ss << " {";
    op("linalg.generic", s);
    std::string args = "^bb0(";
    unsigned n = 0;
    for (const auto *l : {&ins, &outs})
      for (const Operand &x : *l) {
        llvm::StringRef t = x.type;
        // Element type of a tensor operand, else the scalar itself.
        std::string et = t.starts_with("tensor<")
                             ? t.drop_back().rsplit('x').second.str()
                             : t.str();
        args += (n ? ", %b" : "%b") + std::to_string(n) + ": " + et;
        ++n;
      }
    raw(args + "):");
    push();
    for (const auto &[name, text] : body)
      op(name, text);
    std::string y = "linalg.yield ", yt;
    for (size_t i = 0; i < yields.size(); ++i) {
      y += (i ? ", " : "") + yields[i];
      yt += (i ? ", " : "") + outElem(outs[i].type);
    }
    op("linalg.yield", y + " : " + yt);
    pop();
    std::string results;
    if (outs.size() == 1) {
      results = outs[0].type;
    } else {
      results = "(";
      for (size_t i = 0; i < outs.size(); ++i)
        results += (i ? ", " : "") + outs[i].type;
      results += ")";
    }
    raw("} -> " + results);
    return v;
  }

private:
  static std::string outElem(llvm::StringRef t) {
    return t.drop_back().rsplit('x').second.str();
  }

  struct Scope {
    std::string jaxPath, torchPath;
    Frames frames;
    unsigned line = 1;
  };

  GeneratedIR &ir;
  llvm::raw_string_ostream os;
  std::string elem;
  std::string indent = "    ";
  uint64_t nextValue = 0;
  Scope cur;
  uint32_t curLoc = 0;
  llvm::StringMap<uint32_t> locIndex;
};

std::string fmtFloat(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.9e", v);
  return buf;
}

/// The bits of -inf in `elem`, as MLIR's hexadecimal float literal.
std::string negInfLiteral(llvm::StringRef elem) {
  if (elem == "f16")
    return "0xFC00";
  if (elem == "bf16")
    return "0xFF80";
  if (elem == "f64")
    return "0xFFF0000000000000";
  return "0xFF800000";
}

//===----------------------------------------------------------------------===//
// The transformer
//===----------------------------------------------------------------------===//

class TransformerBuilder {
public:
  TransformerBuilder(const Options &o, GeneratedIR &ir)
      : o(o), ir(ir), e(ir, o.dtype->mlir), T(o.dtype->mlir), S(o.seqLen),
        H(o.hidden), NH(o.heads), NKV(o.kvHeads ? o.kvHeads : o.heads),
        D(o.hidden / o.heads), I(o.intermediate), V(o.vocab) {}

  void build() {
    ir.argNames = {"input_ids"};
    std::string ids = "%arg0";
    e.begin("@forward(" + ids + ": tensor<" + std::to_string(S) + "xi64>) -> " +
            e.type({S, V}));
    constants();
    std::string x = embedding(ids);
    rotaryTables();
    for (uint64_t l = 0; l < o.layers; ++l)
      x = layer(l, x);
    modelScope("norm", "model.norm", 580);
    x = rmsNorm(x, "model.norm.weight");
    e.scope("transformer/lm_head", "lm_head", {{kLlama, 870}, {kLinear, 125}},
            870);
    x = linear(x, H, V, "lm_head.weight");
    e.scope("", "", {{kLlama, 881}}, 881);
    e.op("func.return", "return " + x + " : " + e.type({S, V}));
    e.end();
  }

private:
  void constants() {
    // Scalars JAX would fold into its ops: file-only locations; torch-mlir
    // gives them the frame of the forward that made them.
    e.scope("", "", {{kLlama, 560}}, 12);
    zero = e.value();
    e.op("arith.constant", zero + " = arith.constant 0.000000e+00 : " + T);
    one = e.value();
    e.op("arith.constant", one + " = arith.constant 1.000000e+00 : " + T);
    negInf = e.value();
    e.op("arith.constant",
         negInf + " = arith.constant " + negInfLiteral(T) + " : " + T);
    eps = e.value();
    e.op("arith.constant",
         eps + " = arith.constant " + fmtFloat(1e-5) + " : " + T);
    hiddenF = e.value();
    e.op("arith.constant", hiddenF + " = arith.constant " +
                               fmtFloat(double(H)) + " : " + T);
    scale = e.value();
    e.op("arith.constant", scale + " = arith.constant " +
                               fmtFloat(1.0 / std::sqrt(double(D))) + " : " +
                               T);
    ropeK = e.value();
    e.op("arith.constant", ropeK + " = arith.constant " +
                               fmtFloat(-2.0 * std::log(10000.0) / double(D)) +
                               " : " + T);
    halfD = e.value();
    e.op("arith.constant",
         halfD + " = arith.constant " + std::to_string(D / 2) + " : index");
  }

  /// Scope of a model-level module (embedding, final norm).
  void modelScope(const std::string &jax, const std::string &torch,
                  unsigned line) {
    e.scope("transformer/" + jax, torch, {{kLlama, 840}, {kLlama, line}},
            line);
  }

  std::string embedding(const std::string &ids) {
    e.scope("transformer/embed", "model.embed_tokens",
            {{kLlama, 840}, {kLlama, 551}, {kSparse, 190}, {kFunctional, 2551}},
            41);
    e.at("constant");
    std::string w = e.weight("model.embed_tokens.weight", {V, H});
    e.at("gather");
    std::string out = e.empty({S, H});
    return e.generic(
        2, {{ids, "tensor<" + std::to_string(S) + "xi64>", "d0"}},
        {{out, e.type({S, H}), "d0, d1"}}, {false, false},
        {{"arith.index_cast", "%t0 = arith.index_cast %b0 : i64 to index"},
         {"linalg.index", "%t1 = linalg.index 1 : index"},
         {"tensor.extract", "%t2 = tensor.extract " + w + "[%t0, %t1] : " +
                                e.type({V, H})}},
        {"%t2"});
  }

  void rotaryTables() {
    e.scope("transformer/rope", "model.rotary_emb",
            {{kLlama, 840}, {kLlama, 560}, {kLlama, 120}}, 47);
    e.at("cos");
    std::string c = e.empty({S, D});
    std::string s = e.empty({S, D});
    std::string t = e.type({S, D});
    std::string r = e.generic(
        2, {}, {{c, t, "d0, d1"}, {s, t, "d0, d1"}}, {false, false},
        {{"linalg.index", "%t0 = linalg.index 0 : index"},
         {"linalg.index", "%t1 = linalg.index 1 : index"},
         {"arith.remui", "%t2 = arith.remui %t1, " + halfD + " : index"},
         {"arith.index_cast", "%t3 = arith.index_cast %t0 : index to i64"},
         {"arith.sitofp", "%t4 = arith.sitofp %t3 : i64 to " + T},
         {"arith.index_cast", "%t5 = arith.index_cast %t2 : index to i64"},
         {"arith.sitofp", "%t6 = arith.sitofp %t5 : i64 to " + T},
         {"arith.mulf", "%t7 = arith.mulf %t6, " + ropeK + " : " + T},
         {"math.exp", "%t8 = math.exp %t7 : " + T},
         {"arith.mulf", "%t9 = arith.mulf %t4, %t8 : " + T},
         {"math.cos", "%t10 = math.cos %t9 : " + T},
         {"math.sin", "%t11 = math.sin %t9 : " + T}},
        {"%t10", "%t11"});
    cosT = r + "#0";
    sinT = r + "#1";
  }

  /// RMSNorm over the last dimension of x [S, H] in the current scope.
  std::string rmsNorm(const std::string &x, const std::string &key) {
    uint64_t rows = S;
    e.at("reduce_sum");
    std::string acc = e.filled(zero, {rows});
    std::string ss = e.generic(
        2, {{x, e.type({rows, H}), "d0, d1"}}, {{acc, e.type({rows}), "d0"}},
        {false, true},
        {{"arith.mulf", "%t0 = arith.mulf %b0, %b0 : " + T},
         {"arith.addf", "%t1 = arith.addf %t0, %b1 : " + T}},
        {"%t1"});
    e.at("constant");
    std::string w = e.weight(key, {H});
    e.at("rsqrt");
    std::string out = e.empty({rows, H});
    return e.generic(
        2,
        {{x, e.type({rows, H}), "d0, d1"},
         {ss, e.type({rows}), "d0"},
         {w, e.type({H}), "d1"}},
        {{out, e.type({rows, H}), "d0, d1"}}, {false, false},
        {{"arith.divf", "%t0 = arith.divf %b1, " + hiddenF + " : " + T},
         {"arith.addf", "%t1 = arith.addf %t0, " + eps + " : " + T},
         {"math.rsqrt", "%t2 = math.rsqrt %t1 : " + T},
         {"arith.mulf", "%t3 = arith.mulf %b0, %t2 : " + T},
         {"arith.mulf", "%t4 = arith.mulf %t3, %b2 : " + T}},
        {"%t4"});
  }

  /// x [S, in] times the transpose of weight `key` [out, in] (torch.nn.Linear).
  std::string linear(const std::string &x, uint64_t in, uint64_t out,
                     const std::string &key) {
    e.at("constant");
    std::string w = e.weight(key, {out, in});
    e.at("dot_general");
    std::string acc = e.filled(zero, {S, out});
    std::string v = e.value();
    e.op("linalg.matmul",
         v + " = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> "
             "(d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, "
             "affine_map<(d0, d1, d2) -> (d0, d1)>] ins(" +
             x + ", " + w + " : " + e.type({S, in}) + ", " +
             e.type({out, in}) + ") outs(" + acc + " : " + e.type({S, out}) +
             ") -> " + e.type({S, out}));
    return v;
  }

  std::string transpose(const std::string &x, const Shape &from,
                        const std::vector<unsigned> &perm) {
    e.at("transpose");
    Shape to;
    std::string p;
    for (unsigned i : perm) {
      to.push_back(from[i]);
      p += (p.empty() ? "" : ", ") + std::to_string(i);
    }
    std::string out = e.empty(to);
    std::string v = e.value();
    e.op("linalg.transpose", v + " = linalg.transpose ins(" + x + " : " +
                                 e.type(from) + ") outs(" + out + " : " +
                                 e.type(to) + ") permutation = [" + p + "]");
    return v;
  }

  /// x [S, n*D] -> [S, n, D].
  std::string splitHeads(const std::string &x, uint64_t n) {
    e.at("reshape");
    std::string v = e.value();
    e.op("tensor.expand_shape",
         v + " = tensor.expand_shape " + x + " [[0], [1, 2]] output_shape [" +
             std::to_string(S) + ", " + std::to_string(n) + ", " +
             std::to_string(D) + "] : " + e.type({S, n * D}) + " into " +
             e.type({S, n, D}));
    return v;
  }

  /// Rotary embedding of x [S, n, D]: x * cos + rotate_half(x) * sin.
  std::string rope(const std::string &x, uint64_t n) {
    Shape full = {S, n, D}, half = {S, n, D / 2};
    std::string h = std::to_string(D / 2);
    std::string sizes = "[" + std::to_string(S) + ", " + std::to_string(n) +
                        ", " + h + "]";
    e.at("slice");
    std::string x1 = e.value();
    e.op("tensor.extract_slice", x1 + " = tensor.extract_slice " + x +
                                     "[0, 0, 0] " + sizes + " [1, 1, 1] : " +
                                     e.type(full) + " to " + e.type(half));
    std::string x2 = e.value();
    e.op("tensor.extract_slice", x2 + " = tensor.extract_slice " + x +
                                     "[0, 0, " + h + "] " + sizes +
                                     " [1, 1, 1] : " + e.type(full) + " to " +
                                     e.type(half));
    e.at("neg");
    std::string negOut = e.empty(half);
    std::string neg = e.generic(
        3, {{x2, e.type(half), "d0, d1, d2"}},
        {{negOut, e.type(half), "d0, d1, d2"}}, {false, false, false},
        {{"arith.negf", "%t0 = arith.negf %b0 : " + T}}, {"%t0"});
    e.at("concatenate");
    std::string rot = e.value();
    e.op("tensor.concat", rot + " = tensor.concat dim(2) " + neg + ", " + x1 +
                              " : (" + e.type(half) + ", " + e.type(half) +
                              ") -> " + e.type(full));
    e.at("add");
    std::string out = e.empty(full);
    return e.generic(
        3,
        {{x, e.type(full), "d0, d1, d2"},
         {rot, e.type(full), "d0, d1, d2"},
         {cosT, e.type({S, D}), "d0, d2"},
         {sinT, e.type({S, D}), "d0, d2"}},
        {{out, e.type(full), "d0, d1, d2"}}, {false, false, false},
        {{"arith.mulf", "%t0 = arith.mulf %b0, %b2 : " + T},
         {"arith.mulf", "%t1 = arith.mulf %b1, %b3 : " + T},
         {"arith.addf", "%t2 = arith.addf %t0, %t1 : " + T}},
        {"%t2"});
  }

  /// [S, NKV, D] -> [S, NH, D], each kv head serving NH / NKV query heads.
  std::string repeatKV(const std::string &x) {
    if (NKV == NH)
      return x;
    e.at("broadcast_in_dim");
    std::string out = e.empty({S, NH, D});
    return e.generic(3,
                     {{x, e.type({S, NKV, D}),
                       "d0, d1 floordiv " + std::to_string(NH / NKV) + ", d2"}},
                     {{out, e.type({S, NH, D}), "d0, d1, d2"}},
                     {false, false, false}, {}, {"%b0"});
  }

  std::string residual(const std::string &a, const std::string &b) {
    e.at("add");
    std::string out = e.empty({S, H});
    std::string t = e.type({S, H});
    return e.generic(2, {{a, t, "d0, d1"}, {b, t, "d0, d1"}},
                     {{out, t, "d0, d1"}}, {false, false},
                     {{"arith.addf", "%t0 = arith.addf %b0, %b1 : " + T}},
                     {"%t0"});
  }

  std::string attention(uint64_t l, const std::string &x) {
    std::string ls = std::to_string(l);
    std::string jax = "transformer/layer_" + ls + "/attn";
    std::string torch = "model.layers." + ls + ".self_attn";
    std::string p = "model.layers." + ls + ".self_attn.";
    Frames base = {{kLlama, 840}, {kLlama, 571}, {kLlama, 318}};
    auto proj = [&](const char *name, unsigned line) {
      Frames f = base;
      f.push_back({kLlama, line});
      f.push_back({kLinear, 125});
      e.scope(jax + "/" + name, torch + "." + name, f, line);
    };
    auto inAttn = [&](unsigned line, const char *file = nullptr,
                      unsigned fileLine = 0) {
      Frames f = base;
      f.push_back({kLlama, line});
      if (file)
        f.push_back({file, fileLine});
      e.scope(jax, torch, f, line);
    };

    proj("q_proj", 262);
    std::string q = linear(x, H, NH * D, p + "q_proj.weight");
    proj("k_proj", 263);
    std::string k = linear(x, H, NKV * D, p + "k_proj.weight");
    proj("v_proj", 264);
    std::string v = linear(x, H, NKV * D, p + "v_proj.weight");

    inAttn(266);
    q = splitHeads(q, NH);
    k = splitHeads(k, NKV);
    v = splitHeads(v, NKV);
    inAttn(269, kLlama, 152);
    q = rope(q, NH);
    k = rope(k, NKV);
    inAttn(276, kLlama, 178);
    k = repeatKV(k);
    v = repeatKV(v);

    // scores[h, i, j] = q[i, h] . k[j, h] * scale, causal mask.
    inAttn(281);
    std::string qT = transpose(q, {S, NH, D}, {1, 0, 2});
    std::string kT = transpose(k, {S, NH, D}, {1, 2, 0});
    e.at("dot_general");
    std::string acc = e.filled(zero, {NH, S, S});
    std::string sc = e.value();
    e.op("linalg.batch_matmul",
         sc + " = linalg.batch_matmul ins(" + qT + ", " + kT + " : " +
             e.type({NH, S, D}) + ", " + e.type({NH, D, S}) + ") outs(" +
             acc + " : " + e.type({NH, S, S}) + ") -> " + e.type({NH, S, S}));
    std::string t3 = e.type({NH, S, S}), t2 = e.type({NH, S});
    e.at("select_n");
    std::string mOut = e.empty({NH, S, S});
    std::string masked = e.generic(
        3, {{sc, t3, "d0, d1, d2"}}, {{mOut, t3, "d0, d1, d2"}},
        {false, false, false},
        {{"linalg.index", "%t0 = linalg.index 1 : index"},
         {"linalg.index", "%t1 = linalg.index 2 : index"},
         {"arith.cmpi", "%t2 = arith.cmpi ugt, %t1, %t0 : index"},
         {"arith.mulf", "%t3 = arith.mulf %b0, " + scale + " : " + T},
         {"arith.select",
          "%t4 = arith.select %t2, " + negInf + ", %t3 : " + T}},
        {"%t4"});

    // softmax over the last dimension.
    inAttn(283, kFunctional, 2140);
    e.at("reduce_max");
    std::string mx0 = e.filled(negInf, {NH, S});
    std::string mx = e.generic(
        3, {{masked, t3, "d0, d1, d2"}}, {{mx0, t2, "d0, d1"}},
        {false, false, true},
        {{"arith.maximumf", "%t0 = arith.maximumf %b0, %b1 : " + T}}, {"%t0"});
    e.at("exp");
    std::string exOut = e.empty({NH, S, S});
    std::string ex = e.generic(
        3, {{masked, t3, "d0, d1, d2"}, {mx, t2, "d0, d1"}},
        {{exOut, t3, "d0, d1, d2"}}, {false, false, false},
        {{"arith.subf", "%t0 = arith.subf %b0, %b1 : " + T},
         {"math.exp", "%t1 = math.exp %t0 : " + T}},
        {"%t1"});
    e.at("reduce_sum");
    std::string sum0 = e.filled(zero, {NH, S});
    std::string sum = e.generic(
        3, {{ex, t3, "d0, d1, d2"}}, {{sum0, t2, "d0, d1"}},
        {false, false, true},
        {{"arith.addf", "%t0 = arith.addf %b0, %b1 : " + T}}, {"%t0"});
    e.at("div");
    std::string prOut = e.empty({NH, S, S});
    std::string pr = e.generic(
        3, {{ex, t3, "d0, d1, d2"}, {sum, t2, "d0, d1"}},
        {{prOut, t3, "d0, d1, d2"}}, {false, false, false},
        {{"arith.divf", "%t0 = arith.divf %b0, %b1 : " + T}}, {"%t0"});

    // out[i, h] = probs[h, i, :] . v[:, h]
    inAttn(285);
    std::string vT = transpose(v, {S, NH, D}, {1, 0, 2});
    e.at("dot_general");
    std::string acc2 = e.filled(zero, {NH, S, D});
    std::string ctx = e.value();
    e.op("linalg.batch_matmul",
         ctx + " = linalg.batch_matmul ins(" + pr + ", " + vT + " : " + t3 +
             ", " + e.type({NH, S, D}) + ") outs(" + acc2 + " : " +
             e.type({NH, S, D}) + ") -> " + e.type({NH, S, D}));
    inAttn(287);
    std::string back = transpose(ctx, {NH, S, D}, {1, 0, 2});
    e.at("reshape");
    std::string flat = e.value();
    e.op("tensor.collapse_shape", flat + " = tensor.collapse_shape " + back +
                                      " [[0], [1, 2]] : " +
                                      e.type({S, NH, D}) + " into " +
                                      e.type({S, NH * D}));
    proj("o_proj", 289);
    return linear(flat, NH * D, H, p + "o_proj.weight");
  }

  std::string mlp(uint64_t l, const std::string &x) {
    std::string ls = std::to_string(l);
    std::string jax = "transformer/layer_" + ls + "/mlp";
    std::string torch = "model.layers." + ls + ".mlp";
    std::string p = torch + ".";
    Frames base = {{kLlama, 840}, {kLlama, 571}, {kLlama, 334}};
    auto proj = [&](const char *name, unsigned line) {
      Frames f = base;
      f.push_back({kLlama, line});
      f.push_back({kLinear, 125});
      e.scope(jax + "/" + name, torch + "." + name, f, line);
    };
    proj("gate_proj", 190);
    std::string g = linear(x, H, I, p + "gate_proj.weight");
    proj("up_proj", 190);
    std::string u = linear(x, H, I, p + "up_proj.weight");
    Frames act = base;
    act.push_back({kLlama, 190});
    act.push_back({kActivation, 432});
    act.push_back({kFunctional, 2380});
    e.scope(jax + "/act_fn", torch + ".act_fn", act, 190);
    e.at("logistic");
    std::string out = e.empty({S, I});
    std::string t = e.type({S, I});
    std::string h = e.generic(
        2, {{g, t, "d0, d1"}, {u, t, "d0, d1"}}, {{out, t, "d0, d1"}},
        {false, false},
        {{"arith.negf", "%t0 = arith.negf %b0 : " + T},
         {"math.exp", "%t1 = math.exp %t0 : " + T},
         {"arith.addf", "%t2 = arith.addf %t1, " + one + " : " + T},
         {"arith.divf", "%t3 = arith.divf %b0, %t2 : " + T},
         {"arith.mulf", "%t4 = arith.mulf %t3, %b1 : " + T}},
        {"%t4"});
    proj("down_proj", 190);
    return linear(h, I, H, p + "down_proj.weight");
  }

  std::string layer(uint64_t l, const std::string &x) {
    std::string ls = std::to_string(l);
    std::string jax = "transformer/layer_" + ls;
    std::string torch = "model.layers." + ls;
    Frames base = {{kLlama, 840}, {kLlama, 571}};
    auto norm = [&](const char *jaxName, const char *torchName,
                    unsigned line) {
      Frames f = base;
      f.push_back({kLlama, line});
      f.push_back({kLlama, 72});
      e.scope(jax + "/" + jaxName, torch + "." + torchName, f, line);
    };
    auto inLayer = [&](unsigned line) {
      Frames f = base;
      f.push_back({kLlama, line});
      e.scope(jax, torch, f, line);
    };
    norm("attn_norm", "input_layernorm", 314);
    std::string n =
        rmsNorm(x, torch + ".input_layernorm.weight");
    std::string a = attention(l, n);
    inLayer(325);
    std::string h = residual(x, a);
    norm("mlp_norm", "post_attention_layernorm", 330);
    std::string n2 = rmsNorm(h, torch + ".post_attention_layernorm.weight");
    std::string m = mlp(l, n2);
    inLayer(336);
    return residual(h, m);
  }

  const Options &o;
  GeneratedIR &ir;
  Emitter e;
  std::string T;
  uint64_t S, H, NH, NKV, D, I, V;
  std::string zero, one, negInf, eps, hiddenF, scale, ropeK, halfD;
  std::string cosT, sinT;
};

//===----------------------------------------------------------------------===//
// The original model and the stress shapes
//===----------------------------------------------------------------------===//

std::string tensorType(const Options &o) {
  std::string t = "tensor<";
  for (uint64_t d : o.shape)
    t += std::to_string(d) + "x";
  t += o.dtype->mlir;
  t += ">";
  return t;
}

/// `func.func @forward` adding `layer{i}.weight` to its argument one after the
/// other. The text is the same as this tool always wrote (its `"genmodel":L:C`
/// locations are what MLIR's parser gives it); the recorded locations are
/// used only with an explicit --loc-style.
void buildWeights(const Options &o, GeneratedIR &ir) {
  std::string t = tensorType(o);
  llvm::raw_string_ostream os(ir.text);
  ir.locs.emplace_back();
  ir.locs.back().unknown = true;
  auto record = [&](const char *name, std::string jax, std::string torch) {
    if (jax.empty()) {
      ir.opLocs.emplace_back(name, 0);
      return;
    }
    LocSpec s;
    s.jaxName = "jit(main)/" + jax;
    s.jaxLine = 20;
    s.jaxCol = 5;
    s.torchName = std::move(torch);
    s.torchFrames = {{"model.py", 20}};
    ir.opLocs.emplace_back(name, uint32_t(ir.locs.size()));
    ir.locs.push_back(std::move(s));
  };
  ir.argNames = {"x"};
  os << "module {\n";
  record("builtin.module", "", "");
  os << "  func.func @forward(%x: " << t << ") -> " << t << " {\n";
  record("func.func", "", "");
  if (o.dtype->chain == Chain::Select && o.layers) {
    os << "    %c = arith.constant true\n";
    record("arith.constant", "forward/constant", "model");
  }
  std::string prev = "%x";
  for (uint64_t i = 0; i < o.layers; ++i) {
    std::string jax = "forward/layer_" + std::to_string(i) + "/";
    std::string torch = "model.layer" + std::to_string(i);
    os << "    %w" << i << " = arith.constant dense_resource<layer" << i
       << ".weight> : " << t << "\n";
    record("arith.constant", jax + "constant", torch);
    ir.weights.push_back({"layer" + std::to_string(i) + ".weight", o.shape, i});
    switch (o.dtype->chain) {
    case Chain::AddF:
      os << "    %v" << i << " = arith.addf " << prev << ", %w" << i << " : "
         << t << "\n";
      record("arith.addf", jax + "add", torch);
      break;
    case Chain::AddI:
      os << "    %v" << i << " = arith.addi " << prev << ", %w" << i << " : "
         << t << "\n";
      record("arith.addi", jax + "add", torch);
      break;
    case Chain::Select:
      os << "    %v" << i << " = arith.select %c, " << prev << ", %w" << i
         << " : " << t << "\n";
      record("arith.select", jax + "select_n", torch);
      break;
    }
    prev = "%v" + std::to_string(i);
  }
  os << "    return " << prev << " : " << t << "\n";
  record("func.return", "", "");
  os << "  }\n";
  os << "}\n";
}

/// One value (%x + fanout.weight) used by `--users` ops, whose results a
/// tree of adds folds back into one.
void buildFanOut(const Options &o, GeneratedIR &ir) {
  if (!o.users)
    fatal("--users must be at least 1");
  Emitter e(ir, o.dtype->mlir);
  std::string t = e.type(o.shape);
  ir.argNames = {"x"};
  e.begin("@forward(%x: " + t + ") -> " + t);
  e.scope("fanout/input", "model.input", {{"model.py", 10}, {"model.py", 3}},
          3);
  e.at("constant");
  std::string w = e.weight("fanout.weight", o.shape);
  e.at("add");
  std::string v = e.value();
  e.op("arith.addf", v + " = arith.addf %x, " + w + " : " + t);
  e.scope("fanout/users", "model.users", {{"model.py", 11}, {"model.py", 6}},
          6);
  e.at("neg");
  std::vector<std::string> level;
  level.reserve(o.users);
  for (uint64_t i = 0; i < o.users; ++i) {
    level.push_back(e.value());
    e.op("arith.negf", level.back() + " = arith.negf " + v + " : " + t);
  }
  e.scope("fanout/reduce", "model.reduce", {{"model.py", 12}, {"model.py", 9}},
          9);
  e.at("add");
  while (level.size() > 1) {
    std::vector<std::string> next;
    for (size_t i = 0; i + 1 < level.size(); i += 2) {
      next.push_back(e.value());
      e.op("arith.addf", next.back() + " = arith.addf " + level[i] + ", " +
                             level[i + 1] + " : " + t);
    }
    if (level.size() % 2)
      next.push_back(level.back());
    level.swap(next);
  }
  e.scope("", "", {{"model.py", 13}}, 13);
  e.op("func.return", "return " + level[0] + " : " + t);
  e.end();
}

/// %x + chain.weight, then `--length` unary ops (math.tanh and arith.negf in
/// turn), each using the previous result; scopes of 100 ops.
void buildChain(const Options &o, GeneratedIR &ir) {
  Emitter e(ir, o.dtype->mlir);
  std::string t = e.type(o.shape);
  ir.argNames = {"x"};
  e.begin("@forward(%x: " + t + ") -> " + t);
  e.scope("chain/input", "model.input", {{"model.py", 10}, {"model.py", 3}},
          3);
  e.at("constant");
  std::string w = e.weight("chain.weight", o.shape);
  e.at("add");
  std::string v = e.value();
  e.op("arith.addf", v + " = arith.addf %x, " + w + " : " + t);
  for (uint64_t i = 0; i < o.length; ++i) {
    if (i % 100 == 0) {
      std::string b = std::to_string(i / 100);
      e.scope("chain/block_" + b, "model.chain." + b,
              {{"model.py", 11}, {"model.py", 6}}, 6);
    }
    std::string n = e.value();
    if (i % 2 == 0) {
      e.at("tanh");
      e.op("math.tanh", n + " = math.tanh " + v + " : " + t);
    } else {
      e.at("neg");
      e.op("arith.negf", n + " = arith.negf " + v + " : " + t);
    }
    v = n;
  }
  e.scope("", "", {{"model.py", 13}}, 13);
  e.op("func.return", "return " + v + " : " + t);
  e.end();
}

//===----------------------------------------------------------------------===//
// Locations
//===----------------------------------------------------------------------===//

mlir::Location makeLocation(mlir::MLIRContext *ctx, const LocSpec &s,
                            LocStyle style) {
  mlir::Location unknown = mlir::UnknownLoc::get(ctx);
  if (s.unknown || style == LocStyle::None)
    return unknown;
  if (style == LocStyle::Jax) {
    mlir::Location file =
        mlir::FileLineColLoc::get(ctx, kJaxFile, s.jaxLine, s.jaxCol);
    if (s.jaxName.empty())
      return file;
    return mlir::NameLoc::get(mlir::StringAttr::get(ctx, s.jaxName), file);
  }
  // torch-mlir's FX importer: Location.callsite(frames[-1], frames[-2::-1]),
  // i.e. callsite(innermost at callsite(next at ... outermost)).
  const auto &f = s.torchFrames;
  auto frame = [&](size_t i) -> mlir::Location {
    return mlir::FileLineColLoc::get(ctx, f[i].first, f[i].second, 0);
  };
  mlir::Location loc = unknown;
  if (!f.empty()) {
    loc = frame(0);
    for (size_t i = 1; i < f.size(); ++i)
      loc = mlir::CallSiteLoc::get(frame(i), loc);
  }
  if (s.torchName.empty())
    return loc;
  return mlir::NameLoc::get(mlir::StringAttr::get(ctx, s.torchName), loc);
}

} // namespace

GeneratedIR genmodel::buildIR(const Options &o) {
  GeneratedIR ir;
  switch (o.model) {
  case ModelKind::Weights:
    buildWeights(o, ir);
    break;
  case ModelKind::Transformer:
    TransformerBuilder(o, ir).build();
    break;
  case ModelKind::FanOut:
    buildFanOut(o, ir);
    break;
  case ModelKind::Chain:
    buildChain(o, ir);
    break;
  }
  return ir;
}

void genmodel::applyLocations(mlir::ModuleOp module, const GeneratedIR &ir,
                              LocStyle style) {
  if (style == LocStyle::Source)
    return;
  mlir::MLIRContext *ctx = module.getContext();
  std::vector<mlir::Location> built;
  built.reserve(ir.locs.size());
  for (const LocSpec &s : ir.locs)
    built.push_back(makeLocation(ctx, s, style));
  size_t next = 0;
  module->walk<mlir::WalkOrder::PreOrder>([&](mlir::Operation *op) {
    mlir::Operation *parent = op->getParentOp();
    // The bodies MLIR builds for named linalg ops were not written here.
    if (parent && parent->getName().getDialectNamespace() == "linalg" &&
        parent->getName().getStringRef() != "linalg.generic") {
      op->setLoc(parent->getLoc());
      return;
    }
    if (next >= ir.opLocs.size() ||
        op->getName().getStringRef() != ir.opLocs[next].first)
      fatal("internal error: op " + llvm::Twine(next) + " is " +
            op->getName().getStringRef() + ", expected " +
            (next < ir.opLocs.size() ? ir.opLocs[next].first : "none"));
    op->setLoc(built[ir.opLocs[next++].second]);
    for (mlir::Region &r : op->getRegions())
      for (mlir::Block &b : r)
        for (mlir::BlockArgument a : b.getArguments())
          a.setLoc(op->getLoc());
  });
  if (next != ir.opLocs.size())
    fatal("internal error: " + llvm::Twine(ir.opLocs.size() - next) +
          " ops written were not parsed");
  // Function arguments are named after the model's inputs.
  for (auto func : module.getOps<mlir::FunctionOpInterface>()) {
    if (func.isExternal())
      continue;
    mlir::Block &entry = func.getFunctionBody().front();
    for (auto [i, a] : llvm::enumerate(entry.getArguments()))
      if (style != LocStyle::None && i < ir.argNames.size())
        a.setLoc(mlir::NameLoc::get(
            mlir::StringAttr::get(ctx, ir.argNames[i])));
  }
}
