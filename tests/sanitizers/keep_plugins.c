/* Compiled into every program of an AddressSanitizer build that links MPI (lib/CMakeLists.txt).
   Open MPI loads its plugins with dlopen and unloads them with dlclose before the process ends;
   LeakSanitizer, which reports at exit, then sees their allocations in "<unknown module>", and no
   suppression can name them. This dlclose, which takes the place of the C library's, keeps every
   loaded object mapped, so that lsan.supp can suppress Open MPI's leaks by their plugin's name. */
int dlclose(void *handle) {
  (void)handle;
  return 0;
}
