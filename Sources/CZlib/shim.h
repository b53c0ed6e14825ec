// zlib's raw inflate, used to expand deflated entries of uploaded ZIP archives.
#include <zlib.h>
