import sys
from pathlib import Path

# Test-only plugin packages (a sample plugin with its own table and migration branch, and a
# broken one) live in fixtures/ and are reached through hand-made entry points.
FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
