#!/usr/bin/python3
"""The goldens of test_uncertainty.cpp: the same rows, the same draws (SplitMix64 seeded with
seed ^ (0xD1B54A32D192ED03 * (r + 1)), two draws of (x * units) >> 32 from each value, low half
first), numpy.percentile's intervals, and scipy's McNemar p-values. Run it after changing how
lib/newsclf/training/uncertainty.cpp draws, and copy its numbers into the test.
"""
import numpy as np
from scipy import stats
M=(1<<64)-1
def splitmix(state):
    while True:
        state=(state+0x9E3779B97F4A7C15)&M
        z=state
        z=((z^(z>>30))*0xBF58476D1CE4E5B9)&M
        z=((z^(z>>27))*0x94D049BB133111EB)&M
        yield z^(z>>31)
def macro_f1(m):
    fs=[]
    for c in range(4):
        sup=m[c].sum(); pred=m[:,c].sum()
        if sup==0 and pred==0: continue
        tp=m[c,c]; p=tp/pred if pred else 0; r=tp/sup if sup else 0
        fs.append(2*p*r/(p+r) if p+r>0 else 0)
    return sum(fs)/len(fs)
# fixed data: 30 rows, labels and preds, stories
labels=[i%4 for i in range(30)]
pred=[(i*7//3)%4 for i in range(30)]
predb=[(l if i%3 else (l+1)%4) for i,l in enumerate(labels)]
stories=['s%d'%(i//3) if i%5 else '' for i in range(30)]
# units
units=[];seen={};nxt=0
for s in stories:
    if s=='' : units.append(nxt); nxt+=1; continue
    if s not in seen: seen[s]=nxt; nxt+=1
    units.append(seen[s])
print("units",nxt)
def boot(unit_of_row, seed, R):
    n=max(unit_of_row)+1
    rows_of=[[i for i in range(len(unit_of_row)) if unit_of_row[i]==u] for u in range(n)]
    acc=[];f1=[];accb=[];diff=[]
    for r in range(R):
        g=splitmix((seed ^ ((0xD1B54A32D192ED03*(r+1))&M))&M)
        ma=np.zeros((4,4),int); mb=np.zeros((4,4),int)
        draws=[]
        while len(draws)<n:
            z=next(g); draws+= [((z&0xFFFFFFFF)*n)>>32, ((z>>32)*n)>>32]
        for u in draws[:n]:
            for i in rows_of[u]:
                ma[labels[i],pred[i]]+=1; mb[labels[i],predb[i]]+=1
        a=np.trace(ma)/ma.sum(); b=np.trace(mb)/mb.sum()
        acc.append(a); f1.append(macro_f1(ma)); accb.append(b); diff.append(a-b)
    q=[2.5,97.5]
    return [list(np.percentile(x,q)) for x in (acc,f1,accb,diff)]
print("row", [repr(v) for x in boot(list(range(30)),42,200) for v in x])
print("story", [repr(v) for x in boot(units,42,200) for v in x])
print("story seed7", [repr(v) for x in boot(units,7,100) for v in x])
print("mcnemar 30 15", repr(stats.chi2.sf((15-1)**2/45,1)), repr((15-1)**2/45))
print("exact 3 10", repr(stats.binomtest(3,13,0.5).pvalue))
print("exact 0 24", repr(stats.binomtest(0,24,0.5).pvalue))
print("exact 5 5", repr(stats.binomtest(5,10,0.5).pvalue))
print("chi 100 60", repr(stats.chi2.sf(39**2/160,1)))
print("pct", list(np.percentile(np.arange(1,11),[5,95])), list(np.percentile([3.0,1.0,2.0],[2.5,97.5])))
