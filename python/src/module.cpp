// cairn._core: private compiled module of the `cairn` package. Mirrors the C++ engine; the
// public, Pythonic API lives in python/cairn/*.py.
#include "bindings.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "0.0.0"
#endif

PYBIND11_MODULE(_core, m) {
  m.doc() = "cairn engine bindings (private; use the `cairn` package).";
  m.attr("__version__") = CAIRN_VERSION;
  cairn::python::register_errors(m);
  cairn::python::register_repo(m);
  cairn::python::register_store(m);
  cairn::python::register_artifacts(m);
  cairn::python::register_pipeline(m);
}
