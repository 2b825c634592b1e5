// Error translation, done once: an EngineError (an engine Error carried through C++) becomes
// the exception built by cairn.errors.from_code(code, message). The code -> class table lives
// only in python/cairn/errors.py.
#include <pybind11/pybind11.h>

#include <string>

#include "bindings.h"

namespace cairn::python {

void register_errors(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const EngineError& e) {
      py::object exc = py::module_::import("cairn.errors")
                           .attr("from_code")(std::string(error_code_name(e.error().code())),
                                              e.error().message());
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
    }
  });
  // The engine's code names, so the Python side can check its table covers every one.
  py::list codes;
  for (auto code : {ErrorCode::not_found, ErrorCode::invalid_input, ErrorCode::corrupt, ErrorCode::conflict,
                    ErrorCode::io, ErrorCode::permission, ErrorCode::unavailable, ErrorCode::timeout})
    codes.append(std::string(error_code_name(code)));
  m.attr("ERROR_CODES") = py::tuple(codes);
}

}  // namespace cairn::python
