#include "common/program.h"

#include <iostream>

#include <cxxopts.hpp>

#include "common/quote.h"

namespace td {

int run_main(const std::string& program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const cxxopts::exceptions::exception& e) {
    std::cerr << program << ": " << one_line(e.what()) << " (see --help)\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << program << ": " << one_line(e.what()) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << program << ": " << one_line(e.what()) << "\n";
    return 1;
  }
}

}  // namespace td
