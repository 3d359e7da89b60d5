//===- ByteSource.cpp - Where a model's bytes come from -------------------===//

#include "mlirscope/Support/ByteSource.h"

using namespace mlirscope;

ByteSource::~ByteSource() = default;
