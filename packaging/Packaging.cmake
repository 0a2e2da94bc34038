# Packaging comes with the packaging issue; for now only the install rules
# a source build needs.
install(FILES ${CMAKE_SOURCE_DIR}/packaging/socketeer.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 OPTIONAL)
