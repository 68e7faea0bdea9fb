/* empty.c — the runtime floor: a program that does nothing, linked
 * against the same shared libraries as htcondor-api's request path. */
int main(void) { return 0; }
