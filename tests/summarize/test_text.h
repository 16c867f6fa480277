// Shared test helpers.
#pragma once

#include <string>

// Distinct, well-formed English sentences totalling at least n words.
std::string english_words(int n);
