# Install rules. Included last from the top CMakeLists.txt.
#
# Linux (and other freedesktop systems): the executable, a gzip'd man page, a
# desktop entry, AppStream metainfo, hicolor icons, copyright and changelog.
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
