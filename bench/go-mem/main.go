// SPDX-License-Identifier: BSD-2-Clause

// Command go-mem measures Go's sync.Map the way syncmap-bench --memory
// measures the C maps: bytes per live key with n 16-byte string keys and
// int values, from runtime.MemStats after a collection, in steady state
// (stored, then loaded until dirty was promoted) and after the first new
// key that follows the promotion (read and dirty both index every key).
// It prints the same TSV rows as syncmap-bench.
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
)

func heap() float64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc)
}

func key(i int) string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], uint64(i))
	copy(b[8:], "16-bytes")
	return string(b[:])
}

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		var err error
		if n, err = strconv.Atoi(os.Args[1]); err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "usage: go-mem [KEYS]")
			os.Exit(2)
		}
	}
	base := heap()
	m := new(sync.Map)
	for i := 0; i < n; i++ {
		m.Store(key(i), i)
	}
	for i := 0; i < n; i++ {
		if v, ok := m.Load(key(i)); !ok || v.(int) != i {
			panic("go-mem: a key was lost")
		}
	}
	steady := heap() - base
	m.Store(key(n), n)
	copied := heap() - base
	fmt.Printf("mem:steady\tgo-sync.Map\t1\t%.1f\n", steady/float64(n))
	fmt.Printf("mem:after-promotion\tgo-sync.Map\t1\t%.1f\n", copied/float64(n+1))
	runtime.KeepAlive(m)
}
