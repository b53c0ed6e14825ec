#!/usr/bin/env bash
# Checks the codebase's own rules that the compiler does not: no crash on a request, no hand-made JSON, small files that say what they are, no state compared as a string.
# Usage: bash Tests/Lint/run.sh   (prints file:line and the rule for each finding; exits 1 on any)
set -euo pipefail
cd "$(dirname "$0")/../.."

# Foundation's Process.run() crashes at random on Linux (it over-reads /proc/self/fd entries:
# swift-corelibs-foundation pull request 5472); every child program, in Sources and Tests, starts
# through ChildProcess (Sources/AnnolabCore/System/ChildProcess.swift) or Subprocess.
if found=$(grep -rnE '(^|[^A-Za-z])Process\(\)' Sources Tests --include='*.swift'); then
  echo "$found" | sed 's/$/: Foundation'"'"'s Process() crashes at random on Linux; use ChildProcess()/'
  echo
  echo "Lint: a child program is started with Foundation's Process."
  exit 1
fi

# Every Swift file under Sources, in a stable order.
mapfile -t files < <(find Sources -name '*.swift' -type f | LC_ALL=C sort)

# One pass of Perl over all files. Comments are taken out before the code rules are checked
# (a doc comment may well say "never `.id!`"); string literals stay, since the last rule
# looks for them.
perl -e '
use strict;
use warnings;
my $found = 0;
sub finding { my ($file, $line, $rule) = @_; print "$file:$line: $rule\n"; $found++; }

for my $file (@ARGV) {
    open(my $in, "<", $file) or die "cannot read $file: $!\n";
    my @lines = <$in>;
    close($in);
    my $server = $file =~ m{^Sources/AnnolabServer/};
    my $serverOrCore = $file =~ m{^Sources/Annolab(Server|Core)/};

    finding($file, 1, "the file does not open with a one-line // comment saying what it is for")
        unless @lines && $lines[0] =~ m{^//};
    finding($file, scalar(@lines), "the file has " . scalar(@lines) . " lines; a file under Sources has at most 400 (split it by concept)")
        if @lines > 400;

    my $inBlock = 0;       # inside /* ... */
    my $inMultiline = 0;   # inside a """ string
    my $depth = 0;         # brace depth, to know where a switch ends
    my @switches;          # depths of the open switches over a phase, state, status or code
    for my $n (1 .. @lines) {
        my $text = $lines[$n - 1];
        chomp $text;
        # Take comments out, leaving string literals as they are.
        my $code = "";
        my $inString = 0;
        my $i = 0;
        while ($i < length $text) {
            my $two = substr($text, $i, 2);
            my $three = substr($text, $i, 3);
            if ($inBlock) {
                if ($two eq "*/") { $inBlock = 0; $i += 2; } else { $i++; }
                next;
            }
            if ($three eq "\"\"\"") { $inMultiline = !$inMultiline; $code .= $three; $i += 3; next; }
            my $c = substr($text, $i, 1);
            if ($inMultiline || $inString) {
                if ($c eq "\\") { $code .= $two; $i += 2; next; }
                $inString = 0 if $c eq "\"" && !$inMultiline;
                $code .= $c; $i++;
                next;
            }
            last if $two eq "//";
            if ($two eq "/*") { $inBlock = 1; $i += 2; next; }
            $inString = 1 if $c eq "\"";
            $code .= $c; $i++;
        }

        if ($server) {
            finding($file, $n, "force unwrap of a record id (.id!): use try record.id.required(\"what\") or context.requireUserID()")
                if $code =~ /\.id!(?!=)/;
            finding($file, $n, "forced cast (as!): use as? and throw an error when it fails")
                if $code =~ /\bas!/;
            finding($file, $n, "try! on a request path: use try and let the error reach the reply")
                if $code =~ /\btry!/;
        }
        finding($file, $n, "JSONSerialization: give the JSON a Codable type and read or write it with JSONDecoder / JSONEncoder")
            if $serverOrCore && $code =~ /\bJSONSerialization\b/;

        my $named = qr/(?:\b(?:phase|state|status|code)|[a-z](?:Phase|State|Status|Code))\b/;
        finding($file, $n, "a phase, state, status or error code compared with a string literal: compare with its enum case or named constant")
            if $code =~ /$named(?:\.rawValue)?\s*(?:==|!=)\s*#?"/ || $code =~ /"\s*(?:==|!=)\s*[\w.]*$named/
                || $code =~ /\[\s*"[^\]]*\]\s*\.contains\(\s*[\w.]*$named\s*\)/;
        finding($file, $n, "a switch over a phase, state, status or error code has a string literal case: use its enum cases or named constants")
            if @switches && $code =~ /^\s*case\s+#?"/;

        # Keep count of braces to know which switch a case belongs to.
        my $opens = () = $code =~ /\{/g;
        my $closes = () = $code =~ /\}/g;
        push @switches, $depth if $code =~ /\bswitch\s+[^{]*$named[^{]*\{/;
        $depth += $opens - $closes;
        pop @switches while @switches && $depth <= $switches[-1];
    }
}
if ($found) {
    print "\nLint: $found finding" . ($found == 1 ? "" : "s") . ". Each line above gives the file, the line and the rule it breaks.\n";
    exit 1;
}
print "Lint: no findings.\n";
' "${files[@]}"
