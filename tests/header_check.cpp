// The public header must stay valid C++ (CONTRIBUTING.md): this file only has to
// compile and link; it exercises the overloads behind thrace_name and
// THRACE_WITH that C gets from _Generic.
#include "thrace.h"

int main()
{
    thrace_lock lock = THRACE_LOCK_INIT;
    thrace_rlock rlock = THRACE_RLOCK_INIT;
    thrace_sem sem;
    thrace_sem_init(&sem, 1);
    if (thrace_name(&lock, "guard") != THRACE_OK)
        return 1;
    THRACE_WITH (&lock) {
        THRACE_WITH (&rlock) {
        }
    }
    THRACE_WITH (&sem) {
    }
    thrace_sem_destroy(&sem);
    bool still_locked = thrace_lock_locked(&lock) || thrace_rlock_locked(&rlock);
    thrace_lock_destroy(&lock);
    return still_locked ? 1 : 0;
}
