// Native reference for scenario 1: two goroutines exchange a number over unbuffered
// channels (PING carries n, PONG carries n+1), so every send is a rendezvous. Prints one
// JSON line: rendezvous per second, p50/p99 per rendezvous from timed batches, peak RSS.
//
//	go build -o pingpong pingpong.go && ./pingpong -ms 2000
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

const batch = 256 // rendezvous per timed batch (128 round trips)

func main() {
	ms := flag.Int("ms", 2000, "measuring time in milliseconds (plus a tenth for warm-up)")
	flag.Parse()
	ping := make(chan int)
	pong := make(chan int)
	go func() {
		for x := range ping {
			pong <- x + 1
		}
	}()
	n := 0
	round := func(k int) {
		for i := 0; i < k/2; i++ {
			ping <- n
			m := <-pong
			if m != n+1 {
				panic("guard m == n+1 failed")
			}
			n = m
		}
	}
	budget := time.Duration(*ms) * time.Millisecond
	warm := time.Now().Add(budget / 10)
	for time.Now().Before(warm) {
		round(batch)
	}
	var lat []float64
	ops := 0
	t0 := time.Now()
	end := t0.Add(budget)
	t := t0
	for t.Before(end) {
		round(batch)
		t1 := time.Now()
		lat = append(lat, float64(t1.Sub(t).Nanoseconds())/1000/batch)
		ops += batch
		t = t1
	}
	close(ping)
	report(lat, ops, t.Sub(t0))
}

func report(lat []float64, ops int, elapsed time.Duration) {
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
		"perSecond":   float64(ops) / elapsed.Seconds(),
		"p50Us":       q(0.5),
		"p99Us":       q(0.99),
		"samples":     float64(ops),
		"maxRssBytes": peakRss(),
	})
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
