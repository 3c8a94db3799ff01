// GCC 13 moved iostream start-up into libstdc++ behind std::ios_base_library_init();
// libLibTorchSharp.so (built with GCC 13) references it. Debian 12's libstdc++ (GCC 12)
// initialises iostreams itself, so this stand-in only has to make sure they exist.
#include <ios>

namespace std {
__attribute__((visibility("default"))) void ios_base_library_init() {
    static ios_base::Init init;
}
}
