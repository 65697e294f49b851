// Native reference for scenario 2: N goroutines meet at a barrier built from unbuffered
// channels and a coordinator goroutine (each worker sends its round on `arrive`, the
// coordinator answers each one on its own `release` channel once all N have arrived).
// Prints one JSON line: barriers per second, p50/p99 per barrier from timed batches, peak RSS.
//
//	go build -o barrier barrier.go && ./barrier -n 4 -ms 2000
package main

import (
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"sort"
	"strconv"
	"time"
)

const batch = 64 // barriers per timed batch

func main() {
	n := flag.Int("n", 4, "parties")
	ms := flag.Int("ms", 2000, "measuring time in milliseconds (plus a tenth for warm-up)")
	flag.Parse()
	arrive := make(chan int)
	release := make([]chan int, *n)
	for i := range release {
		release[i] = make(chan int)
	}
	// Workers 1..n-1 loop for ever; worker 0 is the main goroutine, which times the rounds.
	for i := 1; i < *n; i++ {
		go func(i int) {
			r := 0
			for {
				arrive <- r
				r = <-release[i] + 1
			}
		}(i)
	}
	go func() {
		for {
			r := -1
			for k := 0; k < *n; k++ {
				v := <-arrive
				if r >= 0 && v != r {
					panic("parties disagree on the round")
				}
				r = v
			}
			for k := 0; k < *n; k++ {
				release[k] <- r
			}
		}
	}()
	r := 0
	rounds := func(k int) {
		for j := 0; j < k; j++ {
			arrive <- r
			r = <-release[0] + 1
		}
	}
	budget := time.Duration(*ms) * time.Millisecond
	warm := time.Now().Add(budget / 10)
	for time.Now().Before(warm) {
		rounds(batch)
	}
	var lat []float64
	ops := 0
	t0 := time.Now()
	end := t0.Add(budget)
	t := t0
	for t.Before(end) {
		rounds(batch)
		t1 := time.Now()
		lat = append(lat, float64(t1.Sub(t).Nanoseconds())/1000/batch)
		ops += batch
		t = t1
	}
	sort.Float64s(lat)
	q := func(p float64) float64 {
		i := int(float64(len(lat))*p+0.999999) - 1
		if i < 0 {
			i = 0
		}
		if i >= len(lat) {
			i = len(lat) - 1
		}
		return lat[i]
	}
	json.NewEncoder(os.Stdout).Encode(map[string]float64{
		"perSecond":   float64(ops) / t.Sub(t0).Seconds(),
		"p50Us":       q(0.5),
		"p99Us":       q(0.99),
		"samples":     float64(ops),
		"maxRssBytes": peakRss(),
	})
	os.Exit(0)
}

// peakRss is VmHWM from /proc/self/status: getrusage's maxrss survives fork and exec on
// Linux, so it would report the size of the Node process that spawned this one.
func peakRss() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	kb, _ := strconv.Atoi(string(m[1]))
	return float64(kb) * 1024
}
