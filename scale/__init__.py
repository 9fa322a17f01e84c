"""The benchmark data generator (`manage.py generate_scale`): a synthetic campaign at province
scale, written in bulk. Above every other app in the layers: it reads their models and rules,
and nothing imports it but the benchmarks and their tests."""
