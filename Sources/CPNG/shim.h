// The libpng API Annolab uses: the simplified read/write interface of libpng 1.6.
#include <png.h>
