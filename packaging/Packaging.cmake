# Install rules and packages. Included last from the top CMakeLists.txt.
#
# Linux (and other freedesktop systems): the executable, a gzip'd man page, a
# desktop entry, AppStream metainfo, hicolor icons, copyright and changelog.
# CPack makes a .deb and an .rpm (`cmake --build BUILD --target package`, or
# `cpack -G DEB` / `cpack -G RPM` in BUILD). Windows (windeployqt + NSIS) and
# macOS (app bundle, macdeployqt + DMG) are set up below; the Flatpak manifest
# is in packaging/flatpak/. Only the Linux packages are built and checked in
# CI (scripts/package-check.sh); see packaging/README.md.
include(GNUInstallDirs)
include(${CMAKE_CURRENT_LIST_DIR}/Changelog.cmake)

# The license: see packaging/copyright. SPDX, for AppStream and RPM.
set(SOCKETEER_LICENSE "LicenseRef-proprietary")
set(SOCKETEER_PACKAGE_NAME socketeer)
set(SOCKETEER_ICON_SIZES 16 32 48 64 128 256)

set(packaging_source ${CMAKE_CURRENT_LIST_DIR})
set(packaging_binary ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${packaging_binary})

socketeer_read_changelog(${packaging_source}/changelog)

# Writes CONTENT to FILE only when it differs, so that an unchanged file does
# not make everything built from it out of date.
function(socketeer_write_if_changed file content)
    if(EXISTS ${file})
        file(READ ${file} old)
        if(old STREQUAL content)
            return()
        endif()
    endif()
    file(WRITE ${file} "${content}")
endfunction()

# The man page, with the version and date on its .TH line taken from
# project(VERSION) and packaging/changelog.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${packaging_source}/socketeer.1)
file(READ ${packaging_source}/socketeer.1 man_page)
string(REGEX MATCHALL "\n\\.TH [^\n]*" th_lines "${man_page}")
list(LENGTH th_lines th_count)
if(NOT th_count EQUAL 1)
    message(FATAL_ERROR "packaging/socketeer.1: expected one .TH line, found ${th_count}")
endif()
string(REGEX REPLACE "\n\\.TH [^\n]*"
       "\n.TH SOCKETEER 1 ${SOCKETEER_RELEASE_DATE} \"Socketeer ${PROJECT_VERSION}\" \"User Commands\""
       man_page "${man_page}")
socketeer_write_if_changed(${packaging_binary}/socketeer.1 "${man_page}")

configure_file(${packaging_source}/socketeer.desktop.in
               ${packaging_binary}/${SOCKETEER_APP_ID}.desktop @ONLY)
configure_file(${packaging_source}/socketeer.metainfo.xml.in
               ${packaging_binary}/${SOCKETEER_APP_ID}.metainfo.xml @ONLY)
configure_file(${packaging_source}/changelog ${packaging_binary}/changelog COPYONLY)

if(UNIX AND NOT APPLE)
    # Debian policy and lintian want man pages and changelogs compressed
    # with gzip -9, without a timestamp (-n).
    find_program(GZIP_EXECUTABLE gzip REQUIRED)
    set(gzipped "")
    foreach(name socketeer.1 changelog)
        add_custom_command(
            OUTPUT ${packaging_binary}/${name}.gz
            COMMAND ${GZIP_EXECUTABLE} -9nkf ${name}
            DEPENDS ${packaging_binary}/${name}
            WORKING_DIRECTORY ${packaging_binary}
            COMMENT "Compressing ${name}"
            VERBATIM)
        list(APPEND gzipped ${packaging_binary}/${name}.gz)
    endforeach()
    add_custom_target(socketeer_packaging_files ALL DEPENDS ${gzipped})

    install(FILES ${packaging_binary}/socketeer.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
    install(FILES ${packaging_binary}/${SOCKETEER_APP_ID}.desktop
            DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
    install(FILES ${packaging_binary}/${SOCKETEER_APP_ID}.metainfo.xml
            DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
    install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/socketeer.svg
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps
            RENAME ${SOCKETEER_APP_ID}.svg)
    foreach(size IN LISTS SOCKETEER_ICON_SIZES)
        install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/socketeer-${size}.png
                DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
                RENAME ${SOCKETEER_APP_ID}.png)
    endforeach()
    # Not CMAKE_INSTALL_DOCDIR: that is named after the project (Socketeer),
    # while Debian and Fedora name it after the package.
    install(FILES ${packaging_source}/copyright ${packaging_binary}/changelog.gz
            DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${SOCKETEER_PACKAGE_NAME})
endif()

# ---------------------------------------------------------------- CPack
set(CPACK_PACKAGE_NAME ${SOCKETEER_PACKAGE_NAME})
set(CPACK_PACKAGE_VENDOR "The Socketeer developers")
set(CPACK_PACKAGE_CONTACT "${SOCKETEER_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# Debian wants the long description wrapped; CPack indents each line.
set(CPACK_PACKAGE_DESCRIPTION
    "Socketeer opens a TCP connection, sends what you type and shows every\n"
    "byte that comes back in a transcript view, live, while the window stays\n"
    "responsive however fast the peer sends. Transcripts are saved as raw\n"
    "bytes, readable text, a hexdump listing or JSON Lines, and reopened.\n"
    "\n"
    "The same core runs headless from the command line, with byte-exact\n"
    "output and documented exit codes, so every exchange can be scripted.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "Socketeer")
set(CPACK_PACKAGE_EXECUTABLES socketeer Socketeer)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_SOURCE_GENERATOR TXZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/\\\\.cache/")

# .deb: the library dependencies come from dpkg-shlibdeps on the machine
# that builds, so a package is built on the release it is for. Added by hand
# what shlibdeps cannot see: the CA bundle that TLS verification reads, and
# the Qt SVG plugins that load the scalable icon.
set(SOCKETEER_DEB_EXTRA_DEPENDS "ca-certificates, libqt6svg6" CACHE STRING
    "Dependencies of the .deb that dpkg-shlibdeps cannot see")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${SOCKETEER_DEB_EXTRA_DEPENDS}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SOCKETEER_MAINTAINER}")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

# .rpm: requirements on libraries come from rpmbuild's own scan. The names
# added by hand are Fedora's.
set(SOCKETEER_RPM_EXTRA_REQUIRES "ca-certificates, qt6-qtsvg" CACHE STRING
    "Requirements of the .rpm that rpmbuild's library scan cannot see")
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE "${SOCKETEER_LICENSE}")
set(CPACK_RPM_PACKAGE_GROUP "Applications/Internet")
set(CPACK_RPM_PACKAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RPM_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGE_RELOCATABLE OFF)
# No /usr/lib/.build-id links: the package has no debuginfo companion.
set(CPACK_RPM_SPEC_MORE_DEFINE "%define _build_id_links none")
set(CPACK_RPM_PACKAGE_REQUIRES "${SOCKETEER_RPM_EXTRA_REQUIRES}")
set(CPACK_RPM_PACKAGE_AUTOREQ ON)
set(CPACK_RPM_PACKAGE_AUTOPROV OFF)
set(CPACK_RPM_COMPRESSION_TYPE xz)
# The package owns its files and its doc folder, never the folders that the
# system or other packages (filesystem, hicolor-icon-theme, man-pages) own.
set(rpm_system_dirs
    ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}
    ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}
    ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/applications
    ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/metainfo
    ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/doc
    ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_MANDIR}
    ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_MANDIR}/man1
    ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/icons
    ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/icons/hicolor
    ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable
    ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size IN LISTS SOCKETEER_ICON_SIZES)
    list(APPEND rpm_system_dirs
         ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}
         ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
endforeach()
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION ${rpm_system_dirs})

include(${CMAKE_CURRENT_LIST_DIR}/windows/Windows.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/macos/MacOS.cmake)

if(NOT DEFINED CPACK_GENERATOR AND UNIX AND NOT APPLE)
    # `--target package` makes the packages this machine has the tools for.
    set(CPACK_GENERATOR "")
    find_program(SOCKETEER_DPKG_SHLIBDEPS dpkg-shlibdeps)
    find_program(SOCKETEER_RPMBUILD rpmbuild)
    if(SOCKETEER_DPKG_SHLIBDEPS)
        list(APPEND CPACK_GENERATOR DEB)
    endif()
    if(SOCKETEER_RPMBUILD)
        list(APPEND CPACK_GENERATOR RPM)
    endif()
    if(NOT CPACK_GENERATOR)
        set(CPACK_GENERATOR TGZ)
    endif()
endif()

include(CPack)
