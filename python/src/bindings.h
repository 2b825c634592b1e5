// Shared helpers of the cairn._core bindings: the one C++ exception that carries an engine
// Error across pybind11 (translated once, in register_errors.cpp), unwrap() for Expected<T>,
// and the register_* entry points, one per area.
//
// Bindings hold no logic: convert arguments, call the engine with the GIL released, unwrap,
// convert the result to plain Python data.
#pragma once

#include <pybind11/pybind11.h>

#include <exception>
#include <string>
#include <utility>

#include "cairn/util/error.h"

namespace cairn::python {

namespace py = pybind11;

// An engine Error in flight; register_errors() turns it into a cairn.Error subclass.
class EngineError : public std::exception {
 public:
  explicit EngineError(Error error) : m_error(std::move(error)) {}
  const Error& error() const { return m_error; }
  const char* what() const noexcept override { return m_error.message().c_str(); }

 private:
  Error m_error;
};

template <class T>
T unwrap(Expected<T>&& result) {
  if (!result) throw EngineError(std::move(result).error());
  return std::move(*result);
}

inline void unwrap(Status&& result) {
  if (!result) throw EngineError(std::move(result).error());
}

// Runs `call` (an engine call doing I/O) with the GIL released and returns its Expected.
template <class F>
auto without_gil(F&& call) {
  py::gil_scoped_release release;
  return call();
}

void register_errors(py::module_& m);
void register_repo(py::module_& m);
void register_store(py::module_& m);
void register_artifacts(py::module_& m);
void register_pipeline(py::module_& m);

}  // namespace cairn::python
