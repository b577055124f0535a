#ifndef COALITION_LIBS_TESTING_FREE_PORT_H_
#define COALITION_LIBS_TESTING_FREE_PORT_H_

namespace coalition::testing {

// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick for port 0), for a
// server that cannot bind port 0 itself, such as a child process; -1 if none could be bound.
int PickFreePort();

}  // namespace coalition::testing

#endif  // COALITION_LIBS_TESTING_FREE_PORT_H_
