/*
 * One mapping per model file for the whole process.
 *
 * PocketSphinx maps the acoustic model's mdef (3 MB) and sendump (2 MB) with sphinxbase's mmio_file_read,
 * once per decoder. The pages are the same page-cache pages, but each mapping has its own page-table
 * entries, and RSS counts a page once per mapping: with a decoder per line, four lines carried the model
 * files four times (about 15 MB once the callers talk). These definitions take the place of sphinxbase's
 * three mmio functions (ELF symbol interposition: libpocketsphinx calls them through its PLT, and the
 * executable's definitions come first in the lookup), and hand every decoder the same read-only mapping,
 * counted by reference. Same contract as sphinxbase's: the whole file, PROT_READ, MAP_SHARED, NULL on failure.
 */
#include <sphinxbase/mmio.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>


struct mmio_file_s {
    dev_t device;
    ino_t inode;
    void *pointer;
    size_t size;
    int references;
    struct mmio_file_s *next;
};

static pthread_mutex_t mapped_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mmio_file_s *mapped_files;

mmio_file_t *mmio_file_read(const char *filename) {
    int fd = open(filename, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat status;
    if (fstat(fd, &status) != 0 || status.st_size <= 0) {
        close(fd);
        return NULL;
    }
    pthread_mutex_lock(&mapped_lock);
    /* the same file (not the same path: a replaced file is a new inode and gets its own mapping) */
    for (struct mmio_file_s *file = mapped_files; file != NULL; file = file->next) {
        if (file->device == status.st_dev && file->inode == status.st_ino && file->size == (size_t)status.st_size) {
            file->references += 1;
            pthread_mutex_unlock(&mapped_lock);
            close(fd);
            return file;
        }
    }
    struct mmio_file_s *file = calloc(1, sizeof *file);
    void *pointer = file == NULL ? MAP_FAILED : mmap(NULL, (size_t)status.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (pointer == MAP_FAILED) {
        free(file);
        pthread_mutex_unlock(&mapped_lock);
        return NULL;
    }
    file->device = status.st_dev;
    file->inode = status.st_ino;
    file->pointer = pointer;
    file->size = (size_t)status.st_size;
    file->references = 1;
    file->next = mapped_files;
    mapped_files = file;
    pthread_mutex_unlock(&mapped_lock);
    return file;
}

void *mmio_file_ptr(mmio_file_t *mf) { return mf == NULL ? NULL : mf->pointer; }

void mmio_file_unmap(mmio_file_t *mf) {
    if (mf == NULL) return;
    pthread_mutex_lock(&mapped_lock);
    mf->references -= 1;
    if (mf->references > 0) {
        pthread_mutex_unlock(&mapped_lock);
        return;
    }
    for (struct mmio_file_s **link = &mapped_files; *link != NULL; link = &(*link)->next) {
        if (*link == mf) {
            *link = mf->next;
            break;
        }
    }
    pthread_mutex_unlock(&mapped_lock);
    munmap(mf->pointer, mf->size);
    free(mf);
}
